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
