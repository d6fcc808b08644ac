import { registerTab } from '../../app/tab-registry'
import { DataTab } from './DataTab'

registerTab('data', {
  icon: 'table',
  render: (tab) => (
    <DataTab key={tab.id} tabId={tab.id} handle={tab.handle} tableName={tab.table} initialFilter={tab.filter} />
  ),
})
