import type { ReactNode } from 'react'
import type { IconName } from '../ui/icons'
import type { Tab } from './store'

/**
 * The kinds of tab, each registered by its feature in the feature's own folder
 * (`features/<name>/tab.tsx`): the icon on the tab bar, and what the tab shows. The shell
 * (App, TabBar) asks the registry and knows no feature's tab by name.
 */
export interface TabType<K extends Tab['kind']> {
  icon: IconName
  render: (tab: Extract<Tab, { kind: K }>) => ReactNode
  /** Asked before the tab closes (pending edits, say): false keeps it open. */
  mayClose?: (tab: Extract<Tab, { kind: K }>) => boolean
  /**
   * The tab closed: drop its slice of the store, close what it holds on the host. `disconnect`
   * when its connection closed under it (what a user would want back next time is kept).
   */
  closed?: (tab: Extract<Tab, { kind: K }>, why: CloseReason) => void
}

const types = new Map<Tab['kind'], TabType<never>>()

export function registerTab<K extends Tab['kind']>(kind: K, type: TabType<K>): void {
  types.set(kind, type as unknown as TabType<never>)
}

/** What a tab shows, by its kind's registration. */
export function renderTab(tab: Tab): ReactNode {
  const type = types.get(tab.kind) as TabType<Tab['kind']> | undefined
  if (!type) throw new Error(`No tab type ${tab.kind} is registered`)
  return (type.render as (t: Tab) => ReactNode)(tab)
}

export function tabIcon(kind: Tab['kind']): IconName {
  return types.get(kind)?.icon ?? 'table'
}

export type CloseReason = 'closed' | 'disconnect'

type Untyped = { mayClose?: (t: Tab) => boolean; closed?: (t: Tab, why: CloseReason) => void }

/** Whether a tab may close now, by its kind's registration (a tab of a kind without a guard always may). */
export function mayCloseTab(tab: Tab): boolean {
  return (types.get(tab.kind) as Untyped | undefined)?.mayClose?.(tab) ?? true
}

/** Let the tab's feature let go of what the tab held. */
export function tabClosed(tab: Tab, why: CloseReason = 'closed'): void {
  ;(types.get(tab.kind) as Untyped | undefined)?.closed?.(tab, why)
}
