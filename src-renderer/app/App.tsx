import { useEffect } from 'react'
import { ImportReportDialog } from '../features/designer/ImportReport'
import { useApp } from './store'
import { renderTab } from './tab-registry'
import './tabs'
import { StatusBar } from './StatusBar'
import { TabBar } from './TabBar'
import { Toasts } from './Toasts'
import { PathPrompt } from '../ui/PathPrompt'
import { Welcome } from './Welcome'
import { ConnectionDialog } from '../features/connections/ConnectionDialog'
import { Sidebar } from '../features/connections/Sidebar'
import { DropZone } from '../features/files/DropZone'
import { Icon } from '../ui/icons'
import { toggleSidebar } from './store'

function ActiveTab() {
  const tab = useApp((s) => s.tabs.find((t) => t.id === s.activeTab))
  return tab ? renderTab(tab) : <Welcome />
}

export function App() {
  const theme = useApp((s) => s.theme)
  const sidebarOpen = useApp((s) => s.sidebarOpen)
  const dialog = useApp((s) => s.dialog)
  const bootError = useApp((s) => s.bootError)
  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
  return (
    <div className={`app${sidebarOpen ? '' : ' no-sidebar'}`}>
      <header className="titlebar">
        <button className="icon-button" onClick={toggleSidebar} title="Toggle sidebar (Ctrl+B)">
          <Icon name="sidebar" />
        </button>
        <span className="brand">
          <span className="brand-mark">S</span> Schemist
        </span>
      </header>
      <DropZone />
      {sidebarOpen && <Sidebar />}
      <main className="main">
        {bootError ? (
          <div className="pane-note error" role="alert">
            {bootError}
          </div>
        ) : (
          <>
            <TabBar />
            <div className="tab-content">
              <ActiveTab />
            </div>
          </>
        )}
      </main>
      <StatusBar />
      {dialog?.kind === 'connection' && <ConnectionDialog editId={dialog.editId} />}
      <PathPrompt />
      <ImportReportDialog />
      <Toasts />
    </div>
  )
}
