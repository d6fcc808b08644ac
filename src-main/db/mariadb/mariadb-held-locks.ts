import type { ConnectionConfig } from '../../../src-shared/connection'
import type { HeldLock } from '../../../src-shared/tx'
import type { Driver } from '../driver'
import { MariadbDriver } from './mariadb-driver'

/**
 * The locks each connection's transaction holds, read from `SHOW ENGINE INNODB STATUS`: MariaDB
 * keeps no table of granted locks (MySQL 8's performance_schema.data_locks; MariaDB's
 * INNODB_LOCKS lists only locks in a wait), but with `innodb_status_output_locks` on the status
 * report lists every lock of every transaction. Written by hand because no library reads this
 * report; its format is InnoDB's lock_rec_print / lock_table_print.
 */

/** One record's fields as the report prints them: hex bytes, or SQL NULL. */
type Field = string | null

interface RawLock {
  thread: number
  table: string
  index: string | null
  kind: HeldLock['kind']
  mode: string
  waiting: boolean
  /** The record's fields, or 'supremum' (the pseudo-record past the last one). */
  record: Field[] | 'supremum' | null
}

const unquote = (s: string) => s.replace(/`/g, '')

/** The report's TRANSACTIONS section as locks by connection (thread id). */
export function parseInnodbLocks(status: string): RawLock[] {
  const out: RawLock[] = []
  const section = status.slice(status.indexOf('LIST OF TRANSACTIONS FOR EACH SESSION'))
  for (const block of section.split(/\n---TRANSACTION /).slice(1)) {
    const thread = Number(/(?:MariaDB|MySQL) thread id (\d+)/.exec(block)?.[1] ?? NaN)
    if (!Number.isFinite(thread)) continue
    // The waiting lock is printed twice: in the "TRX HAS BEEN WAITING" box, and again in the list.
    const body = block.replace(/------- TRX HAS BEEN WAITING[\s\S]*?\n------------------\n/, '\n')
    let current: RawLock | null = null
    for (const line of body.split('\n')) {
      const table = /^TABLE LOCK table (\S+) trx id \d+ lock mode (\S+)( waiting)?/.exec(line)
      if (table) {
        out.push({
          thread,
          table: unquote(table[1]),
          index: null,
          kind: 'table',
          mode: table[2],
          waiting: !!table[3],
          record: null,
        })
        current = null
        continue
      }
      const rec = /^RECORD LOCKS .* index (\S+) of table (\S+) trx id \d+ lock[_ ]mode (\S+)(.*)$/.exec(line)
      if (rec) {
        const rest = rec[4]
        const kind: HeldLock['kind'] = rest.includes('insert intention')
          ? 'insert-intention'
          : rest.includes('locks rec but not gap')
            ? 'record'
            : rest.includes('locks gap before rec')
              ? 'gap'
              : 'next-key'
        current = {
          thread,
          table: unquote(rec[2]),
          index: unquote(rec[1]),
          kind,
          mode: rec[3],
          waiting: rest.includes('waiting'),
          record: null,
        }
        continue
      }
      if (current && /^Record lock, heap no \d+/.test(line)) {
        out.push({ ...current, record: [] })
        continue
      }
      const field = /^ *(\d+): (?:len \d+; hex ([0-9a-f]+);|SQL NULL)/.exec(line)
      const last = out[out.length - 1]
      if (current && field && last && Array.isArray(last.record)) {
        if (field[2] === '73757072656d756d' && field[1] === '0' && / supremum;;/.test(line)) last.record = 'supremum'
        else last.record.push(field[2] ?? null)
      }
    }
  }
  return out
}

interface ColumnInfo {
  type: string
  unsigned: boolean
}

const INT_BYTES: Record<string, number> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, integer: 4, bigint: 8 }

/** A field's bytes as a value: integers (stored big-endian with the sign bit flipped), text, else hex. */
export function decodeField(hex: string | null, c: ColumnInfo | undefined): string {
  if (hex === null) return 'NULL'
  const bytes = Buffer.from(hex, 'hex')
  if (c && INT_BYTES[c.type] === bytes.length) {
    let v = BigInt(`0x${hex}`)
    if (!c.unsigned) v -= 1n << BigInt(bytes.length * 8 - 1)
    return v.toString()
  }
  if (c && /char|text|enum|set/.test(c.type)) return `'${bytes.toString('utf8').trimEnd()}'`
  return `0x${hex}`
}

/** Which columns an index's records hold: its own, then the primary key's it does not have. */
async function indexColumns(
  d: Driver,
  table: string,
): Promise<{ indexes: Map<string, string[]>; columns: Map<string, ColumnInfo> }> {
  const [schema, name] = table.includes('/') ? table.split('/') : table.split('.')
  const cols = await d.query(
    'SELECT column_name, data_type, column_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ?',
    [schema, name],
  )
  const columns = new Map(
    cols.rows.map((r) => [
      String(r[0]),
      { type: String(r[1]).toLowerCase(), unsigned: /unsigned/i.test(String(r[2])) },
    ]),
  )
  const stats = await d.query(
    'SELECT index_name, column_name FROM information_schema.statistics WHERE table_schema = ? AND table_name = ? ORDER BY index_name, seq_in_index',
    [schema, name],
  )
  const indexes = new Map<string, string[]>()
  for (const [ix, col] of stats.rows) indexes.set(String(ix), [...(indexes.get(String(ix)) ?? []), String(col)])
  const pk = indexes.get('PRIMARY') ?? []
  for (const [ix, list] of indexes)
    if (ix !== 'PRIMARY') indexes.set(ix, [...list, ...pk.filter((c) => !list.includes(c))])
  return { indexes, columns }
}

/**
 * The locks each of `drivers` holds, in their order, read on a connection of its own. Turning
 * `innodb_status_output_locks` on needs the SUPER privilege (the playground's root has it);
 * without it only locks that block someone are listed, and the note says so.
 */
export async function mariadbHeldLocks(
  config: ConnectionConfig,
  drivers: Driver[],
): Promise<{ locks: HeldLock[][]; note: string | null }> {
  const d = await MariadbDriver.open(config as Extract<ConnectionConfig, { engine: 'mariadb' }>)
  try {
    let note: string | null = null
    const on = await d.query('SELECT @@GLOBAL.innodb_status_output_locks')
    if (Number(on.rows[0]?.[0]) !== 1) {
      await d.query('SET GLOBAL innodb_status_output_locks = ON').catch(() => {
        note =
          'Only locks that block another transaction are listed: showing every lock needs innodb_status_output_locks, which this user may not turn on (it needs the SUPER privilege; the MariaDB playground has it).'
      })
    }
    const status = String((await d.query('SHOW ENGINE INNODB STATUS')).rows[0]?.[2] ?? '')
    const raw = parseInnodbLocks(status)
    const threads = drivers.map((x) => (x as MariadbDriver).pid)
    const tables = new Map<string, Awaited<ReturnType<typeof indexColumns>>>()
    for (const t of new Set(raw.filter((r) => threads.includes(r.thread)).map((r) => r.table)))
      tables.set(t, await indexColumns(d, t))
    const locks = threads.map((thread) =>
      raw
        .filter((r) => r.thread === thread)
        .map((r): HeldLock => {
          const info = tables.get(r.table)
          const names = (r.index && info?.indexes.get(r.index)) || []
          const key =
            r.record === 'supremum'
              ? 'supremum'
              : r.record
                ? names
                    .slice(0, r.record.length)
                    .map((n, i) => `${n}=${decodeField(r.record![i] as Field, info?.columns.get(n))}`)
                    .join(', ') || null
                : null
          return { table: r.table, index: r.index, kind: r.kind, mode: r.mode, waiting: r.waiting, key }
        }),
    )
    return { locks, note }
  } finally {
    await d.close()
  }
}
