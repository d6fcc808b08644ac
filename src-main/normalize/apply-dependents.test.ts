import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Driver } from '../db/driver'
import { ENGINES } from '../test-support/databases'
import { applyProposal, type ApplySource } from './apply'
import { plausibleFds, synthesize3nf } from './decompose'
import { discover } from './diagnose'

// A split must not silently drop what the table had besides its rows: indexes move to the new
// table that has their columns; triggers, CHECKs and views that read the table are listed and the
// split refused before anything changes.
describe.each(ENGINES)(
  "what a split does with the table's indexes, checks, triggers and views on $name",
  ({ open }) => {
    let d: Driver
    beforeEach(async () => {
      d = await open()
      await d.query(
        'CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL, customer_name varchar(40) NOT NULL, total integer NOT NULL)',
      )
      await d.query(
        "INSERT INTO orders VALUES (1, 10, 'Ann', 5), (2, 10, 'Ann', 7), (3, 20, 'Bob', 1), (4, 30, 'Cid', 2), (5, 30, 'Cid', 9)",
      )
      await d.query('CREATE INDEX orders_by_name ON orders (customer_name)')
    })
    afterEach(() => d.close())

    async function split() {
      const schema = await d.dialect.introspect(d)
      const t = schema.tables.find((x) => x.name === 'orders')!
      const r = await d.query('SELECT id, customer_id, customer_name, total FROM orders')
      const columns = ['id', 'customer_id', 'customer_name', 'total']
      const src: ApplySource = {
        schema: t.schema,
        name: 'orders',
        types: new Map(t.columns.map((c) => [c.name, c.nativeType])),
      }
      const fds = plausibleFds(discover(columns, r.rows).fds, r.rows.length, columns, ['id'])
      return { src, proposal: synthesize3nf('orders', columns, r.rows, fds, ['id']) }
    }
    const tableNames = async () => (await d.dialect.introspect(d)).tables.map((t) => `${t.kind}:${t.name}`).sort()

    it('the index moves to the new table that has its column', async () => {
      const { src, proposal } = await split()
      const home = proposal.tables.find((t) => t.columns.includes('customer_name') && !t.columns.includes('total'))!
      await applyProposal(d, src, proposal, { keepView: false })
      const after = (await d.dialect.introspect(d)).tables.find((t) => t.name === home.name)!
      expect(after.indexes).toEqual([expect.objectContaining({ name: 'orders_by_name', columns: ['customer_name'] })])
    })

    it('a trigger and a view that reads the table are listed, and nothing changes', async () => {
      for (const sql of d.dialect.ddl.onUpdateTriggerSql(
        { schema: null, name: 'orders' },
        'customer_name',
        "'changed'",
        ['id'],
      ))
        await d.query(sql)
      await d.query('CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 5')
      const before = await tableNames()
      const { src, proposal } = await split()
      const err = await applyProposal(d, src, proposal, { keepView: false }).catch((e) => e)
      expect(err).toMatchObject({ code: 'UNSUPPORTED' })
      expect(err.message).toMatch(/trigger orders_customer_name_touch/)
      expect(err.message).toMatch(/view big_orders, which reads it/)
      expect(err.message).toMatch(/Nothing was changed/)
      expect(await tableNames()).toEqual(before)
      expect(Number((await d.query('SELECT count(*) FROM big_orders')).rows[0][0])).toBe(2)
    })
  },
)
