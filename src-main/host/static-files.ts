import type { ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { CONTENT_SECURITY_POLICY } from '../security'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
}

/** A file of the built renderer, never one outside its folder, with the app's security headers. */
export async function serveStatic(staticDir: string, url: URL, res: ServerResponse) {
  let rel: string
  try {
    rel = decodeURIComponent(url.pathname)
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request')
    return
  }
  if (rel === '/' || rel === '') rel = '/index.html'
  const file = normalize(join(staticDir, rel))
  if (!file.startsWith(normalize(staticDir) + sep)) {
    res.writeHead(403).end('Forbidden')
    return
  }
  const st = await stat(file).catch(() => null)
  if (!st?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
    return
  }
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  })
  res.end(await readFile(file))
}
