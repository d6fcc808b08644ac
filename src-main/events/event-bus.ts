import type { EventName, EventPayload } from '../../src-shared/contract'

type AnyListener = (event: EventName, payload: unknown) => void

/** Events from services to every connected renderer (IPC windows and WebSocket clients). */
export class EventBus {
  private listeners = new Set<AnyListener>()

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, payload)
      } catch {
        // A broken transport must not stop the others from hearing the event.
      }
    }
  }

  subscribe(l: AnyListener): () => void {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }

  log(level: EventPayload<'onLog'>['level'], source: string, message: string) {
    this.emit('onLog', { level, source, message, at: Date.now() })
  }
}
