import { dropGrid, mayDropGrid } from './grid-store'
import { registerTab } from '../../app/tab-registry'
import { DataTab } from './DataTab'

registerTab('data', {
  icon: 'table',
  mayClose: (tab) => mayDropGrid(tab.id),
  closed: (tab) => dropGrid(tab.id),
  render: (tab) => (
    <DataTab key={tab.id} tabId={tab.id} handle={tab.handle} tableName={tab.table} initialFilter={tab.filter} />
  ),
})
