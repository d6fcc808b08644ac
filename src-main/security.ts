/**
 * The renderer's Content-Security-Policy, the same for Electron and the web host: only our own
 * scripts, no eval, no remote content; the web host's bridge is a same-origin WebSocket.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * The desktop shell's policy: the same, but with no WebSocket at all (its bridge is IPC). Sent as
 * a header, it narrows the page's own meta policy: a browser enforces both.
 */
export const ELECTRON_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "connect-src 'self'",
)
