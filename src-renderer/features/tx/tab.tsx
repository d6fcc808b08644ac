import { registerTab } from '../../app/tab-registry'
import { IsolationTab } from './IsolationTab'

registerTab('isolation', {
  icon: 'warning',
  render: (tab) => <IsolationTab key={tab.id} handle={tab.handle} />,
})
