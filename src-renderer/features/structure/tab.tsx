import { registerTab } from '../../app/tab-registry'
import { StructureTab } from './StructureTab'

registerTab('structure', {
  icon: 'key',
  render: (tab) => <StructureTab key={tab.id} handle={tab.handle} table={tab.table} />,
})
