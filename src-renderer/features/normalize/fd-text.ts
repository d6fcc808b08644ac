import type { FdSpec } from '../../../src-shared/normalize'

/** "a, b -> c, d" (or →) as one dependency per right-side column, or the reason it is not one. */
export function parseFdText(text: string, columns: string[], table: string): { fds: FdSpec[] } | { error: string } {
  const m = /^(.*)->(.*)$/.exec(text.replace('→', '->'))
  if (!m) return { error: 'Write a dependency as "a, b -> c"' }
  const lhs = m[1]
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
  const rhs = m[2]
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
  const unknown = [...lhs, ...rhs].filter((c) => !columns.includes(c))
  if (unknown.length) return { error: `No column ${unknown.join(', ')} in ${table}` }
  if (!lhs.length) return { error: 'Name the determining columns before ->' }
  if (!rhs.length) return { error: 'Name a column after ->' }
  const fds = rhs.filter((r) => !lhs.includes(r)).map((r) => ({ lhs, rhs: r, error: 0 }))
  if (!fds.length) return { error: 'A column always determines itself: name another column after ->' }
  return { fds }
}

/** A dependency's identity, whatever the order of its left side. */
export const fdId = (f: FdSpec) => `${[...f.lhs].sort().join(',')}->${f.rhs}`
