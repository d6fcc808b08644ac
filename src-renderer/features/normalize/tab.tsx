import { registerTab } from '../../app/tab-registry'
import { NormalizeTab } from './NormalizeTab'

registerTab('normalize', {
  icon: 'sparkle',
  render: (tab) => <NormalizeTab key={tab.id} handle={tab.handle} table={tab.table} csv={tab.csv} />,
})
