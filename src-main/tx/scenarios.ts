import type { StepOutcome } from '../../src-shared/tx'

/**
 * The anomaly scenarios: the notes' list (dirty read, non-repeatable read, phantom, lost update,
 * out-of-order read) plus read skew, write skew, a G1c cycle and the read-only anomaly, written
 * after Hermitage's scripts on a scratch table `{t}` (id, value) holding (1, 10) and (2, 20).
 * `BEGIN` steps are replaced by the level's own BEGIN when a scenario runs.
 */
export interface Scenario {
  id: string
  name: string
  /** The anomaly in the literature's terms. */
  anomaly: string
  description: string
  panes: string[]
  steps: { pane: string; sql: string }[]
  /** Extra rows beyond (1, 10) and (2, 20), for predicate scenarios. */
  extraRows?: [number, number][]
  /** Did the anomaly happen, judging by what the steps returned and the final table? */
  observed(o: Observed): boolean
  /** Plain words for a person, once the verdict is known. */
  explain: { anomaly: string; prevented: string }
}

export interface Observed {
  /** The first value of the first row step `i` returned (null if none or if it failed). */
  value(i: number): unknown
  /** All rows of step `i`. */
  rows(i: number): unknown[][]
  failed(i: number): boolean
  /** Final (id, value) rows after every transaction ended. */
  final: Map<number, number>
  steps: StepOutcome[]
}

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v))

export const SCENARIOS: Scenario[] = [
  {
    id: 'dirty-read',
    name: 'Dirty read',
    anomaly: 'G1a (aborted read)',
    description: 'T1 changes a row and rolls back; T2 reads the row before the rollback.',
    panes: ['T1', 'T2'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T1', sql: 'UPDATE {t} SET value = 101 WHERE id = 1' },
      { pane: 'T2', sql: 'SELECT value FROM {t} WHERE id = 1' },
      { pane: 'T1', sql: 'ROLLBACK' },
      { pane: 'T2', sql: 'COMMIT' },
    ],
    observed: (o) => n(o.value(3)) === 101,
    explain: {
      anomaly: 'T2 read 101, a value that was never committed: T1 rolled it back.',
      prevented: "T2 read only committed data (10); T1's uncommitted 101 stayed invisible.",
    },
  },
  {
    id: 'non-repeatable-read',
    name: 'Non-repeatable read',
    anomaly: 'fuzzy read (P2)',
    description: 'T1 reads a row twice; between the reads T2 changes it and commits.',
    panes: ['T1', 'T2'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T1', sql: 'SELECT value FROM {t} WHERE id = 1' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = 11 WHERE id = 1' },
      { pane: 'T2', sql: 'COMMIT' },
      { pane: 'T1', sql: 'SELECT value FROM {t} WHERE id = 1' },
      { pane: 'T1', sql: 'COMMIT' },
    ],
    observed: (o) => !o.failed(2) && !o.failed(5) && n(o.value(2)) !== n(o.value(5)),
    explain: {
      anomaly: 'The same SELECT in one transaction returned 10, then 11.',
      prevented: 'Both reads in T1 returned the same value.',
    },
  },
  {
    id: 'phantom',
    name: 'Phantom read',
    anomaly: 'phantom (P3)',
    description: 'T1 counts rows matching a condition twice; between the counts T2 inserts a matching row and commits.',
    panes: ['T1', 'T2'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T1', sql: 'SELECT count(*) FROM {t} WHERE value > 5' },
      { pane: 'T2', sql: 'INSERT INTO {t} (id, value) VALUES (3, 30)' },
      { pane: 'T2', sql: 'COMMIT' },
      { pane: 'T1', sql: 'SELECT count(*) FROM {t} WHERE value > 5' },
      { pane: 'T1', sql: 'COMMIT' },
    ],
    observed: (o) => !o.failed(2) && !o.failed(5) && n(o.value(2)) !== n(o.value(5)),
    explain: {
      anomaly: 'The same count in one transaction went from 2 to 3: a phantom row appeared.',
      prevented: 'Both counts in T1 were the same.',
    },
  },
  {
    id: 'lost-update',
    name: 'Lost update',
    anomaly: 'P4',
    description: 'Both transactions read the value, add 1 to what they read, and write it back.',
    panes: ['T1', 'T2'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T1', sql: 'SELECT value FROM {t} WHERE id = 1' },
      { pane: 'T2', sql: 'SELECT value FROM {t} WHERE id = 1' },
      // Each writes back what it read plus 1 ({read:N} is the value step N returned).
      { pane: 'T1', sql: 'UPDATE {t} SET value = {read:2} + 1 WHERE id = 1' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = {read:3} + 1 WHERE id = 1' },
      { pane: 'T1', sql: 'COMMIT' },
      { pane: 'T2', sql: 'COMMIT' },
    ],
    // Both read 10 and both committed "10 + 1": one of the two increments is gone.
    observed: (o) =>
      n(o.value(2)) === 10 &&
      n(o.value(3)) === 10 &&
      !o.steps.some((s) => s.error) &&
      o.steps[7].note === null &&
      o.final.get(1) === 11,
    explain: {
      anomaly: 'Both increments committed, yet the value is 11, not 12: one update was lost.',
      prevented: 'The second writer could not build on a stale read.',
    },
  },
  {
    id: 'out-of-order-read',
    name: 'Out-of-order read',
    anomaly: 'OTV (observed transaction vanishes)',
    description:
      "T1 and T2 each change both rows; T3 reads the rows one at a time and must not see T2's write to one row and T1's (overwritten) write to the other.",
    panes: ['T1', 'T2', 'T3'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T3', sql: 'BEGIN' },
      { pane: 'T1', sql: 'UPDATE {t} SET value = 11 WHERE id = 1' },
      { pane: 'T1', sql: 'UPDATE {t} SET value = 19 WHERE id = 2' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = 12 WHERE id = 1' },
      { pane: 'T1', sql: 'COMMIT' },
      { pane: 'T3', sql: 'SELECT value FROM {t} WHERE id = 1' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = 18 WHERE id = 2' },
      { pane: 'T3', sql: 'SELECT value FROM {t} WHERE id = 2' },
      { pane: 'T2', sql: 'COMMIT' },
      { pane: 'T3', sql: 'SELECT value FROM {t} WHERE id = 2' },
      { pane: 'T3', sql: 'SELECT value FROM {t} WHERE id = 1' },
      { pane: 'T3', sql: 'COMMIT' },
    ],
    observed: (o) => (n(o.value(9)) === 18 || n(o.value(11)) === 18) && n(o.value(12)) === 11,
    explain: {
      anomaly: "T3 saw T2's write to row 2 and then T1's overwritten value of row 1: an order no serial execution has.",
      prevented: 'Whatever T3 read fits one order of T1 and T2.',
    },
  },
  {
    id: 'read-skew',
    name: 'Read skew',
    anomaly: 'G-single',
    description:
      'The two rows always add up to 30. T1 reads row 1; T2 moves 2 from row 2 to row 1 and commits; T1 reads row 2.',
    panes: ['T1', 'T2'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T1', sql: 'SELECT value FROM {t} WHERE id = 1' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = 12 WHERE id = 1' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = 18 WHERE id = 2' },
      { pane: 'T2', sql: 'COMMIT' },
      { pane: 'T1', sql: 'SELECT value FROM {t} WHERE id = 2' },
      { pane: 'T1', sql: 'COMMIT' },
    ],
    observed: (o) => n(o.value(2)) === 10 && n(o.value(6)) === 18,
    explain: {
      anomaly: "T1 saw 10 + 18 = 28: half of T2's transfer.",
      prevented: 'T1 saw a consistent pair that adds up to 30.',
    },
  },
  {
    id: 'write-skew',
    name: 'Write skew',
    anomaly: 'G2-item',
    description: 'Both transactions read both rows, then each changes a different row, each relying on what it read.',
    panes: ['T1', 'T2'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T1', sql: 'SELECT id, value FROM {t} WHERE id IN (1, 2) ORDER BY id' },
      { pane: 'T2', sql: 'SELECT id, value FROM {t} WHERE id IN (1, 2) ORDER BY id' },
      { pane: 'T1', sql: 'UPDATE {t} SET value = 11 WHERE id = 1' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = 21 WHERE id = 2' },
      { pane: 'T1', sql: 'COMMIT' },
      { pane: 'T2', sql: 'COMMIT' },
    ],
    // Both decided on the original state (10, 20), and both decisions were committed.
    observed: (o) =>
      JSON.stringify(o.rows(2)) === '[[1,10],[2,20]]' &&
      JSON.stringify(o.rows(3)) === '[[1,10],[2,20]]' &&
      o.final.get(1) === 11 &&
      o.final.get(2) === 21,
    explain: {
      anomaly:
        'Both committed changes based on a state the other had already invalidated: no serial order gives 11 and 21.',
      prevented: 'At most one of the two changes survived.',
    },
  },
  {
    id: 'g1c',
    name: 'Circular information flow',
    anomaly: 'G1c',
    description: 'Each transaction writes one row and then reads the row the other wrote, before either commits.',
    panes: ['T1', 'T2'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T1', sql: 'UPDATE {t} SET value = 11 WHERE id = 1' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = 22 WHERE id = 2' },
      { pane: 'T1', sql: 'SELECT value FROM {t} WHERE id = 2' },
      { pane: 'T2', sql: 'SELECT value FROM {t} WHERE id = 1' },
      { pane: 'T1', sql: 'COMMIT' },
      { pane: 'T2', sql: 'COMMIT' },
    ],
    observed: (o) => n(o.value(4)) === 22 && n(o.value(5)) === 11,
    explain: {
      anomaly: "Each saw the other's uncommitted write: a cycle of dependencies.",
      prevented: "Neither saw the other's uncommitted write.",
    },
  },
  {
    id: 'read-only-anomaly',
    name: 'Read-only anomaly',
    anomaly: 'G2 with two anti-dependency edges (Fekete)',
    description:
      'T1 reads, T2 adds 5 to row 2 and commits, T3 reads and commits, then T1 writes row 1 from its old read. T3 saw a state that no serial order explains.',
    panes: ['T1', 'T2', 'T3'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T3', sql: 'BEGIN' },
      { pane: 'T1', sql: 'SELECT id, value FROM {t} ORDER BY id' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = value + 5 WHERE id = 2' },
      { pane: 'T2', sql: 'COMMIT' },
      { pane: 'T3', sql: 'SELECT id, value FROM {t} ORDER BY id' },
      { pane: 'T3', sql: 'COMMIT' },
      { pane: 'T1', sql: 'UPDATE {t} SET value = 0 WHERE id = 1' },
      { pane: 'T1', sql: 'COMMIT' },
    ],
    // T3 saw T2's change but not T1's, T1 acted on the state before T2, and everyone committed.
    observed: (o) =>
      JSON.stringify(o.rows(6)) === '[[1,10],[2,25]]' &&
      JSON.stringify(o.rows(3)) === '[[1,10],[2,20]]' &&
      !o.steps.some((s) => s.error) &&
      o.steps[9].note === null &&
      o.final.get(1) === 0 &&
      o.final.get(2) === 25,
    explain: {
      anomaly:
        "All three committed: T3 saw T2's change but not T1's, yet T1 ran as if before T2. The read-only T3 observed an impossible state.",
      prevented: 'One transaction was stopped, so the committed history has a serial order.',
    },
  },
  {
    id: 'deadlock',
    name: 'Deadlock',
    anomaly: 'lock cycle',
    description: 'T1 locks row 1 then wants row 2; T2 locks row 2 then wants row 1.',
    panes: ['T1', 'T2'],
    steps: [
      { pane: 'T1', sql: 'BEGIN' },
      { pane: 'T2', sql: 'BEGIN' },
      { pane: 'T1', sql: 'UPDATE {t} SET value = 11 WHERE id = 1' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = 22 WHERE id = 2' },
      { pane: 'T1', sql: 'UPDATE {t} SET value = 21 WHERE id = 2' },
      { pane: 'T2', sql: 'UPDATE {t} SET value = 12 WHERE id = 1' },
      { pane: 'T1', sql: 'COMMIT' },
      { pane: 'T2', sql: 'COMMIT' },
    ],
    observed: () => false,
    explain: {
      anomaly: '',
      prevented: 'The engine found the cycle (or never let it form) and stopped one transaction.',
    },
  },
]

export function scenario(id: string): Scenario {
  const s = SCENARIOS.find((x) => x.id === id)
  if (!s) throw new Error(`No scenario ${id}; one of ${SCENARIOS.map((x) => x.id).join(', ')}`)
  return s
}
