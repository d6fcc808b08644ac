import { dropGrid, mayDropGrid } from '../grid/grid-store'
import { forgetDraft } from './drafts'
import { registerTab } from '../../app/tab-registry'
import { QueryTab } from './QueryTab'

registerTab('query', {
  icon: 'query',
  // A query's editable result is a grid of its own: its pending edits are not dropped silently.
  mayClose: (tab) => mayDropGrid(`${tab.id}:result`),
  closed: (tab, why) => {
    dropGrid(`${tab.id}:result`)
    // A disconnect keeps the text: the tab comes back with it when the connection opens again.
    if (why === 'closed') forgetDraft(tab.id)
  },
  render: (tab) => <QueryTab key={tab.id} tabId={tab.id} handle={tab.handle} />,
})
