import { basename } from 'node:path'

/** A file name as it may be written on the host: no folders, nothing hidden, nothing odd. */
export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .replace(/^\.+/, '')
    .slice(0, 120)
  return base || 'file'
}
