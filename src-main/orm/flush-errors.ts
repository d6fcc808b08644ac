import { AppError } from '../../src-shared/errors'
import type { BatchStep, BatchStepResult } from '../db/driver'
import { FlushError } from './errors'
import type { InstanceState } from './instance-state'
import type { Session } from './session'

/**
 * Run steps; a failure names the objects of the failing row: from the failing step and row, or
 * from what the engine said of the key (PostgreSQL's detail, MariaDB's duplicate entry).
 */
export async function runSteps(
  s: Session,
  steps: BatchStep[],
  stepStates: InstanceState[][],
  send: (steps: BatchStep[]) => Promise<BatchStepResult[]> = (x) => s.runBatch(x),
) {
  try {
    return await send(steps)
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    const step = Number(e.details?.step ?? 0)
    const row = Number(e.details?.row ?? 0)
    const sts = stepStates[step] ?? []
    const failed =
      steps[step] && steps[step].params.length === sts.length
        ? [sts[row]]
        : narrow(sts, e.details?.detail, e.details?.duplicate as Duplicate | undefined)
    const objs = failed.filter(Boolean)
    const first = objs[0]
    const details = {
      ...e.details,
      table: first?.mapper.name,
      objects: objs.map((st) => ({
        table: st.mapper.name,
        key: st.identity,
        values: Object.fromEntries(st.mapper.columns.map((c, i) => [c, st.values[i] ?? null])),
      })),
    }
    throw new FlushError(
      new AppError(e.code, e.message, details),
      objs.map((st) => st.obj),
    )
  }
}

/** A duplicate key as an engine reports it without naming the columns: the key's name and the value. */
type Duplicate = { key: string; value: string; primary: boolean }

/**
 * A multi-row statement failed: PostgreSQL's detail (`Key (login)=(ivan) already exists.`)
 * usually says which values, and MariaDB's duplicate entry says the value and the key (primary,
 * or a unique index named after its column); keep the rows that have them.
 */
function narrow(states: InstanceState[], detail: unknown, duplicate?: Duplicate): InstanceState[] {
  if (duplicate && states.length > 1) {
    const hit = states.filter((st) => {
      const cols = duplicate.primary
        ? st.mapper.pk
        : st.mapper.colIndex.has(duplicate.key)
          ? [st.mapper.col(duplicate.key)]
          : []
      return cols.length > 0 && cols.map((i) => String(st.values[i])).join('-') === duplicate.value
    })
    if (hit.length) return hit
  }
  const m = typeof detail === 'string' ? /Key \((.+?)\)=\((.*)\)/.exec(detail) : null
  if (!m || states.length <= 1) return states
  const cols = m[1].split(', ').map((c) => c.replace(/^"|"$/g, ''))
  const vals = cols.length === 1 ? [m[2]] : m[2].split(', ')
  const hit = states.filter((st) =>
    cols.every((c, i) => st.mapper.colIndex.has(c) && String(st.values[st.mapper.col(c)]) === vals[i]),
  )
  return hit.length ? hit : states
}
