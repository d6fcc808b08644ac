import { dropDesigner } from './designer-store'
import { registerTab } from '../../app/tab-registry'
import { DesignerTab } from './DesignerTab'

registerTab('designer', {
  icon: 'diagram',
  closed: (tab) => dropDesigner(tab.id),
  render: (tab) => (
    <DesignerTab
      key={tab.id}
      tabId={tab.id}
      handle={tab.handle}
      initial={tab.doc}
      path={tab.path ?? null}
      target={tab.target}
    />
  ),
})
