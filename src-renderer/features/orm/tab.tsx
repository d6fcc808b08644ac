import { closeOrmSession } from './orm-store'
import { registerTab } from '../../app/tab-registry'
import { OrmPlaygroundTab } from './OrmPlaygroundTab'

registerTab('orm', {
  icon: 'sparkle',
  closed: (tab) => void closeOrmSession(tab.id),
  render: (tab) => <OrmPlaygroundTab key={tab.id} tabId={tab.id} handle={tab.handle} model={tab.model} />,
})
