import type { Envelope } from './errors'
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './contract'

/** What the preload exposes as `window.api`, and what the WebSocket client implements too. */
export interface BridgeApi {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Envelope<MethodOutput<M>>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}
