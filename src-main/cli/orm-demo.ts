import type { Driver } from '../db/driver'
import { Registry } from '../orm/registry'
import { Session } from '../orm/session'
import { joinedload, select, selectinload } from '../orm/statements'
import type { SqlLogEntry } from '../orm/sql-log'
import type { RelatedList } from '../orm/entity'

type Obj = Record<string, unknown> & { posts: RelatedList<Obj>; cities: RelatedList<Obj>; profile: Obj | null }

/**
 * A scripted unit of work on the sample schema: each step prints the SQL the session emitted,
 * so the docs (and a person at a terminal) can see what add/flush/commit, cascades and loading
 * strategies do. Everything runs in one transaction that is rolled back at the end, unless
 * `commit` is true.
 */
export async function ormDemo(
  driver: Driver,
  out: (s: string) => void,
  options: { commit?: boolean } = {},
): Promise<{ step: string; sql: SqlLogEntry[] }[]> {
  const registry = new Registry(await driver.dialect.introspect(driver), driver.dialect, {
    relationships: { 'users.posts': { cascade: 'all, delete-orphan' } },
  })
  for (const t of ['users', 'posts', 'cities', 'city_user'])
    if (!registry.mappers.has(t) && ![...registry.mappers.values()].some((m) => m.table.name === t))
      throw new Error(
        `orm-demo needs the sample schema (table ${t} is missing); create it with "schemist sample <file>"`,
      )
  const s = new Session(driver, registry, { expireOnCommit: false })
  const steps: { step: string; sql: SqlLogEntry[] }[] = []
  let seen = 0
  const step = async (title: string, fn: () => Promise<unknown>) => {
    await fn()
    const sql = s.log.all().slice(seen)
    seen = s.log.all().length
    steps.push({ step: title, sql })
    out(`-- ${title}`)
    for (const e of sql)
      out(
        `${e.sql};${e.params.length ? `  -- params ${JSON.stringify(e.executions > 1 ? e.params.slice(0, 3) : e.params)}${e.executions > 1 ? ` x${e.executions}` : ''}` : ''}`,
      )
    out('')
  }
  const users = registry.get('users')
  let maria!: Obj
  await step('add a user with two posts and a city (save-update cascade), then flush', async () => {
    maria = s.create<Obj>(users, { name: 'Мария', login: 'maria_demo' })
    maria.posts.push(
      s.create<Obj>('posts', { title: 'Unit of work' }),
      s.create<Obj>('posts', { title: 'Identity map' }),
    )
    maria.cities.push(s.create<Obj>('cities', { name: 'Тверь', longitude: 35.9, latitude: 56.86 }))
    s.add(maria)
    await s.flush()
  })
  await step('change a column: one UPDATE of that column only', async () => {
    maria.name = 'Мария Иванова'
    await s.flush()
  })
  await step('remove a post from the collection: delete-orphan deletes it', async () => {
    maria.posts.remove(maria.posts[0])
    await s.flush()
  })
  await step('selectinload(posts): two statements', async () => {
    s.expireAll()
    await s.execute(select(users).options(selectinload('posts')).orderBy('id'))
  })
  await step('joinedload(profile): one statement with LEFT OUTER JOIN', async () => {
    s.expireAll()
    await s.execute(select(users).options(joinedload('profile')).orderBy('id'))
  })
  await step('delete the user: children first, association rows first, then the user', async () => {
    await s.load(maria, 'cities')
    s.delete(maria)
    await s.flush()
  })
  await step(options.commit ? 'commit' : 'rollback (the demo leaves the database as it was)', async () => {
    if (options.commit) await s.commit()
    else await s.rollback()
  })
  await s.close()
  return steps
}
