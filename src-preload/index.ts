import { contextBridge, ipcRenderer } from 'electron'
import { EVENT_NAMES, IPC_CALL, IPC_EVENT, METHOD_NAMES } from '../src-shared/contract-names'
import type { BridgeApi } from '../src-shared/api'

// Exposes the contract as window.api. Only the contract's methods and events pass; the renderer
// never sees ipcRenderer or an IPC event object.
const methods = new Set<string>(METHOD_NAMES)
const eventNames = new Set<string>(EVENT_NAMES)
const listeners = new Map<string, Set<(p: unknown) => void>>()

ipcRenderer.on(IPC_EVENT, (_e, msg: { event: string; payload: unknown }) => {
  for (const l of listeners.get(msg.event) ?? []) l(msg.payload)
})

const api: BridgeApi = {
  invoke: (method, input) => {
    if (!methods.has(method))
      return Promise.resolve({
        ok: false,
        error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${String(method)}` },
      })
    return ipcRenderer.invoke(IPC_CALL, { method, input })
  },
  on: (event, listener) => {
    if (!eventNames.has(event)) throw new Error(`Unknown event: ${String(event)}`)
    const set = listeners.get(event) ?? new Set()
    set.add(listener as (p: unknown) => void)
    listeners.set(event, set)
    return () => set.delete(listener as (p: unknown) => void)
  },
}

contextBridge.exposeInMainWorld('api', api)
contextBridge.exposeInMainWorld('schemistTransport', 'electron')
