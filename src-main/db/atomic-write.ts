import { access, chmod, constants, mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { AppError } from '../../src-shared/errors'

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
}

/** A file system error as a FILE_ERROR naming the path the user chose, never a temporary one. */
export function fileError(e: unknown, path: string, verb = 'write'): AppError {
  if (e instanceof AppError) return e
  const code = (e as NodeJS.ErrnoException)?.code ?? ''
  const why = WHY[code] ?? (e instanceof Error ? e.message : String(e))
  return new AppError('FILE_ERROR', `Cannot ${verb} ${path}: ${why}`, { path, errno: code })
}

/**
 * Write a file so a crash leaves either the old or the new content, never half of one. The
 * temporary file goes whatever fails (a disk-full write used to leave it behind, so every later
 * save failed too). A symlink is written through to its target, and a target the user made
 * read-only is refused rather than silently replaced; an existing file keeps its mode.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  let target = path
  let keepMode: number | null = null
  try {
    target = await realpath(path)
    const st = await stat(target)
    if (!st.isFile()) throw new AppError('FILE_ERROR', `Cannot write ${path}: it is not a regular file`, { path })
    await access(target, constants.W_OK).catch(() => {
      throw new AppError('FILE_ERROR', `Cannot write ${path}: the file is read-only`, { path })
    })
    keepMode = st.mode & 0o7777
  } catch (e) {
    if (e instanceof AppError) throw e
    // A file that does not exist yet is simply created.
  }
  try {
    await mkdir(dirname(target), { recursive: true })
  } catch (e) {
    throw fileError(e, path)
  }
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const fh = await open(tmp, 'wx', keepMode ?? mode)
    try {
      await fh.writeFile(data, 'utf8')
      await fh.sync()
    } finally {
      await fh.close()
    }
    if (keepMode !== null) await chmod(tmp, keepMode)
    await rename(tmp, target)
  } catch (e) {
    await unlink(tmp).catch(() => {})
    throw fileError(e, path)
  }
}
