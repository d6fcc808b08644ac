import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A loopback TCP proxy in front of PostgreSQL that cuts the client's connection at the first
 * COMMIT it sees: either right after passing it on (the server commits, the reply is lost) or
 * instead of passing it on (the server never sees it and rolls back). It reads just enough of the
 * wire protocol to find the COMMIT: the untyped start-up message, then typed messages.
 */
export interface CutProxy {
  port: number
  /** How many connections were cut so far. */
  cuts: number
  close(): Promise<void>
}

export async function startCutProxy(
  target: { host: string; port: number },
  mode: 'after-forwarding' | 'before-forwarding',
  times = 1,
  /** Called the moment a connection is cut (a test kills the server here: a crash mid-commit). */
  onCut: () => void = () => {},
): Promise<CutProxy> {
  const sockets = new Set<Socket>()
  const state = { cuts: 0 }
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    sockets.add(client).add(upstream)
    upstream.on('data', (b) => client.write(b))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    client.on('close', () => upstream.end())
    let buf = Buffer.alloc(0)
    let started = false
    let cutAfterSync = false
    client.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        if (!started) {
          if (buf.length < 8) return
          const len = buf.readInt32BE(0)
          if (buf.length < len) return
          upstream.write(buf.subarray(0, len))
          buf = buf.subarray(len)
          started = true
          continue
        }
        if (buf.length < 5) return
        const type = String.fromCharCode(buf[0])
        const len = buf.readInt32BE(1) + 1
        if (buf.length < len) return
        const msg = buf.subarray(0, len)
        buf = buf.subarray(len)
        const text = type === 'Q' || type === 'P' ? msg.subarray(5).toString('utf8') : ''
        const isCommit = /(^|\0)\s*(COMMIT|END)\b/i.test(text) && state.cuts < times
        if (isCommit && mode === 'before-forwarding') {
          state.cuts++
          client.destroy()
          upstream.destroy()
          onCut()
          return
        }
        upstream.write(msg)
        if (isCommit && type === 'P') cutAfterSync = true
        if ((isCommit && type === 'Q') || (cutAfterSync && type === 'S')) {
          state.cuts++
          // The server has the COMMIT; the client never hears back.
          client.destroy()
          onCut()
          return
        }
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return {
    port: (server.address() as { port: number }).port,
    get cuts() {
      return state.cuts
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
