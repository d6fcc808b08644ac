import type { IncomingMessage, ServerResponse } from 'node:http'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { randomBytes } from 'node:crypto'
import { safeFileName } from '../clients/safe-file-name'
import { sameToken } from './same-token'

/**
 * Files in web mode. A download is a file the app put under downloads/<id>/ (an export, a
 * database snapshot), fetched by the browser with the run's token and removed once sent. An
 * upload is a POST of the raw bytes (same origin, token in a header), stored under uploads/<id>/
 * and answered with its path on the host, which the bridge methods then take.
 */
export async function serveFiles(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  o: { dir: string; token: string; port: number; maxUpload?: number },
) {
  const { dir, token, port } = o
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
  if (req.method === 'GET' && url.pathname.startsWith('/download/')) {
    if (!sameToken(url.searchParams.get('token') ?? '', token)) return json(401, { error: 'Unauthorized' })
    const m = /^\/download\/([A-Za-z0-9-]{8,64})\/([^/]+)$/.exec(url.pathname)
    if (!m) return json(404, { error: 'Not found' })
    const file = join(dir, 'downloads', m[1], safeFileName(decodeURIComponent(m[2])))
    const st = await stat(file).catch(() => null)
    if (!st?.isFile()) return json(404, { error: 'Not found (a download is handed out once)' })
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(st.size),
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(basename(file))}`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    await pipeline(createReadStream(file), res).catch(() => {})
    await rm(join(dir, 'downloads', m[1]), { recursive: true, force: true })
    return
  }
  if (req.method === 'POST' && url.pathname === '/upload') {
    const allowedOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`]
    if (!sameToken(String(req.headers['x-schemist-token'] ?? ''), token)) return json(401, { error: 'Unauthorized' })
    if (!allowedOrigins.includes(req.headers.origin ?? '')) return json(403, { error: 'Forbidden' })
    const max = o.maxUpload ?? 1024 * 1024 * 1024
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (Number.isFinite(declared) && declared > max)
      return json(413, { error: `The file is larger than ${Math.round(max / 1048576)} MB` })
    // Files of one folder (a Python package) go into one upload folder, at their relative paths.
    const batch = String(req.headers['x-schemist-batch'] ?? '')
    const reuse =
      /^[A-Za-z0-9-]{8,24}$/.test(batch) &&
      (await stat(join(dir, 'uploads', batch)).then(
        (x) => x.isDirectory(),
        () => false,
      ))
    const id = reuse ? batch : randomBytes(9).toString('base64url').replace(/_/g, '-')
    const rel = decodeURIComponent(String(req.headers['x-schemist-relpath'] ?? ''))
      .split(/[\\/]+/)
      .filter((x) => x && x !== '.' && x !== '..')
      .map(safeFileName)
    if (rel.length > 16) return json(400, { error: 'The folder is nested too deeply' })
    const name = rel.length
      ? rel[rel.length - 1]
      : safeFileName(decodeURIComponent(String(req.headers['x-schemist-name'] ?? 'upload')))
    const folder = join(dir, 'uploads', id)
    const path = join(folder, ...rel.slice(0, -1), name)
    await mkdir(dirname(path), { recursive: true })
    let size = 0
    try {
      req.on('data', (b: Buffer) => {
        size += b.length
        if (size > max) req.destroy(new Error('too large'))
      })
      await pipeline(req, createWriteStream(path, { flags: 'wx' }))
    } catch (e) {
      if (reuse) await rm(path, { force: true })
      else await rm(folder, { recursive: true, force: true })
      return json(size > max ? 413 : 400, {
        error:
          size > max
            ? `The file is larger than ${Math.round(max / 1048576)} MB`
            : `The upload did not arrive whole: ${(e as Error).message}`,
      })
    }
    return json(200, { path, name, size, batch: id, root: folder })
  }
  return json(405, { error: 'Method not allowed' })
}
