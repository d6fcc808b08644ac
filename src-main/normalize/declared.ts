import { AppError } from '../../src-shared/errors'
import type { DeclaredProposal, DeclaredTable, FdSpec } from '../../src-shared/normalize'
import { decomposeBcnf, synthesize3nf } from './decompose'
import { diagnose, type Diagnosis } from './diagnose'
import type { Fd } from './fd-analysis'

/**
 * Normalization of a table on paper (the designer's): no rows to discover anything in, so the
 * dependencies are the ones the user declares, plus what the table itself states: its primary
 * key and each unique column set determine every other column.
 */
export function declaredFds(t: DeclaredTable, fds: FdSpec[]): Fd[] {
  for (const f of fds) {
    for (const c of [...f.lhs, f.rhs])
      if (!t.columns.includes(c)) throw new AppError('BAD_REQUEST', `No column ${c} in ${t.name}`)
    if (f.lhs.length === 0) throw new AppError('BAD_REQUEST', `A dependency needs a left side: ${f.rhs} alone`)
  }
  const stated = [t.key, ...t.uniques].filter((k): k is string[] => !!k && k.length > 0)
  return [
    ...fds.filter((f) => !f.lhs.includes(f.rhs)).map((f) => ({ ...f, error: 0 })),
    ...stated.flatMap((k) => t.columns.filter((c) => !k.includes(c)).map((c) => ({ lhs: k, rhs: c, error: 0 }))),
  ]
}

export function diagnoseDeclared(t: DeclaredTable, fds: FdSpec[]): Diagnosis {
  return diagnose(t.columns, null, declaredFds(t, fds), t.key && t.key.length ? t.key : null, t.uniques)
}

/** The 3NF synthesis or BCNF decomposition of a table on paper; the part holding the table's key keeps its name. */
export function proposeDeclared(t: DeclaredTable, fds: FdSpec[], target: '3nf' | 'bcnf'): DeclaredProposal {
  const all = declaredFds(t, fds)
  const key = t.key && t.key.length ? t.key : null
  const p =
    target === '3nf' ? synthesize3nf(t.name, t.columns, [], all, key) : decomposeBcnf(t.name, t.columns, [], all)
  if (p.tables.length < 2)
    throw new AppError(
      'NOT_FOUND',
      `${t.name} is already in ${target.toUpperCase()} under the declared dependencies: nothing to split`,
    )
  return {
    target,
    tables: p.tables.map(({ name, columns, key, references }) => ({ name, columns, key, references })),
    lost: p.lost,
    losslessBySchema: p.losslessBySchema ?? false,
    explanation: p.explanation,
  }
}
