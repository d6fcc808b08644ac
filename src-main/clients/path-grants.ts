import { resolve, sep } from 'node:path'
import { AppError } from '../../src-shared/errors'

/**
 * Which file paths the renderer may name. In the desktop shell every path a user means comes from
 * the operating system's dialog (app.pickPath) or from the app's own lists (recent models, saved
 * connections, its data folder), so a path from anywhere else is refused: a compromised renderer
 * (an XSS) cannot read or write arbitrary files through the bridge. The web host has no native
 * dialog (the user types paths into the app's own), so there every path is the user's own choice.
 */
export class PathGrants {
  private granted = new Set<string>()
  private folders: string[] = []

  constructor(readonly enforced: boolean) {}

  /** A path the user chose in the native dialog, or one the app itself listed. */
  grant(path: string): void {
    this.granted.add(resolve(path))
  }

  /** Everything under this folder (the app's data directory). */
  grantFolder(folder: string): void {
    this.folders.push(resolve(folder) + sep)
  }

  allowed(path: string): boolean {
    if (!this.enforced) return true
    const p = resolve(path)
    return this.granted.has(p) || this.folders.some((f) => p.startsWith(f))
  }

  check(path: string | undefined): void {
    if (path !== undefined && !this.allowed(path)) {
      throw new AppError(
        'UNAUTHORIZED',
        `Choose ${path} in the file dialog first: the app opens and writes only files picked there or listed by the app itself`,
      )
    }
  }
}
