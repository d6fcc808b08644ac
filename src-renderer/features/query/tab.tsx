import { registerTab } from '../../app/tab-registry'
import { QueryTab } from './QueryTab'

registerTab('query', {
  icon: 'query',
  render: (tab) => <QueryTab key={tab.id} tabId={tab.id} handle={tab.handle} />,
})
