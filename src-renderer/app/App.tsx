import { useEffect } from 'react'
import { ImportReportDialog } from '../features/designer/ImportReport'
import { useApp } from './store'
import { StatusBar } from './StatusBar'
import { TabBar } from './TabBar'
import { Toasts } from './Toasts'
import { PathPrompt } from '../ui/PathPrompt'
import { Welcome } from './Welcome'
import { ConnectionDialog } from '../features/connections/ConnectionDialog'
import { Sidebar } from '../features/connections/Sidebar'
import { QueryTab } from '../features/query/QueryTab'
import { DataTab } from '../features/grid/DataTab'
import { IsolationTab } from '../features/tx/IsolationTab'
import { OrmPlaygroundTab } from '../features/orm/OrmPlaygroundTab'
import { StructureTab } from '../features/structure/StructureTab'
import { NormalizeTab } from '../features/normalize/NormalizeTab'
import { DesignerTab } from '../features/designer/DesignerTab'
import { DropZone } from '../features/files/DropZone'
import { Icon } from '../ui/icons'
import { toggleSidebar } from './store'

function ActiveTab() {
  const tab = useApp((s) => s.tabs.find((t) => t.id === s.activeTab))
  if (!tab) return <Welcome />
  if (tab.kind === 'structure') return <StructureTab key={tab.id} handle={tab.handle} table={tab.table} />
  if (tab.kind === 'normalize') return <NormalizeTab key={tab.id} handle={tab.handle} table={tab.table} csv={tab.csv} />
  if (tab.kind === 'data')
    return <DataTab key={tab.id} tabId={tab.id} handle={tab.handle} tableName={tab.table} initialFilter={tab.filter} />
  if (tab.kind === 'isolation') return <IsolationTab key={tab.id} handle={tab.handle} />
  if (tab.kind === 'designer')
    return (
      <DesignerTab
        key={tab.id}
        tabId={tab.id}
        handle={tab.handle}
        initial={tab.doc}
        path={tab.path ?? null}
        target={tab.target}
      />
    )
  if (tab.kind === 'orm') return <OrmPlaygroundTab key={tab.id} tabId={tab.id} handle={tab.handle} model={tab.model} />
  return <QueryTab key={tab.id} tabId={tab.id} handle={tab.handle} />
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
