import type { MvccView, RowVersion } from '../../../src-shared/tx'
import type { Driver } from '../driver'

/** Pages read at most: enough for a teaching table, never a scan of a big one. */
const MAX_PAGES = 8

/**
 * The row versions behind a PostgreSQL table as one connection sees it, inside that
 * connection's transaction: its snapshot, the versions it sees (ctid, xmin, xmax) and, where
 * the pageinspect extension is installed, every version on the table's first pages, with the
 * commit status of the transactions that made and ended them.
 */
export async function postgresRowVersions(
  d: Driver,
  table: { schema: string | null; name: string },
): Promise<MvccView> {
  const q = d.dialect.qualify(table.schema, table.name)
  const lit = d.dialect.quoteLiteral(q)
  const snap = await d.query('SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text')
  const [snapshot, xid] = snap.rows[0] as [string | null, string | null]
  const seen = await d.query(
    `SELECT ctid::text, xmin::text, xmax::text, row_to_json(t)::text FROM ${q} AS t ORDER BY ctid LIMIT 500`,
  )
  const visible = new Map(
    seen.rows.map(([ctid, xmin, xmax, json]) => [
      String(ctid),
      { xmin: String(xmin), xmax: String(xmax), row: JSON.parse(String(json)) as Record<string, unknown> },
    ]),
  )
  const status = async (xids: string[]) => {
    const out = new Map<string, string>()
    const real = [...new Set(xids)].filter((x) => Number(x) >= 3)
    if (!real.length) return out
    // pg_xact_status takes a full (epoch-qualified) id: xids are widened with the current epoch.
    const rows = await d
      .query(
        `SELECT x::text, pg_xact_status(((pg_snapshot_xmin(pg_current_snapshot())::text::bigint >> 32 << 32) + x::bigint)::text::xid8) FROM unnest($1::text[]) AS x`,
        [real],
      )
      .catch(() => null)
    for (const row of rows?.rows ?? []) out.set(String(row[0]), String(row[1]))
    return out
  }
  const hasInspect = (await d.query("SELECT 1 FROM pg_extension WHERE extname = 'pageinspect'")).rows.length > 0
  let versions: RowVersion[]
  let note: string | null = null
  if (hasInspect) {
    const pages = await d.query(
      `SELECT '(' || b || ',' || h.lp || ')', h.t_xmin::text, h.t_xmax::text FROM generate_series(0, LEAST(${MAX_PAGES}, pg_relation_size(${lit}::regclass) / current_setting('block_size')::int) - 1) AS b, LATERAL heap_page_items(get_raw_page(${lit}, b::int)) AS h WHERE h.lp_flags = 1 ORDER BY b, h.lp`,
    )
    versions = pages.rows.map(([ctid, xmin, xmax]) => {
      const v = visible.get(String(ctid))
      return {
        ctid: String(ctid),
        xmin: String(xmin),
        xmax: String(xmax),
        xminStatus: null,
        xmaxStatus: null,
        visible: !!v,
        row: v?.row ?? null,
      }
    })
  } else {
    versions = [...visible].map(([ctid, v]) => ({
      ctid,
      xmin: v.xmin,
      xmax: v.xmax,
      xminStatus: null,
      xmaxStatus: null,
      visible: true,
      row: v.row,
    }))
    note =
      'Only the versions this snapshot sees are listed: the others need the pageinspect extension (CREATE EXTENSION pageinspect, as a superuser).'
  }
  const st = await status(versions.flatMap((v) => [v.xmin, v.xmax]))
  for (const v of versions) {
    v.xminStatus = st.get(v.xmin) ?? null
    v.xmaxStatus = v.xmax === '0' ? null : (st.get(v.xmax) ?? null)
  }
  return { table: table.name, snapshot, xid, versions, allVersions: hasInspect, note }
}
