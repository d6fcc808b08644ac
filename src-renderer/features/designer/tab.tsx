import { registerTab } from '../../app/tab-registry'
import { DesignerTab } from './DesignerTab'

registerTab('designer', {
  icon: 'diagram',
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
