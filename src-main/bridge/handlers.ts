import { describeConfig } from '../../src-shared/connection'
import { AppError } from '../../src-shared/errors'
import { createTableSql, createViewSql } from '../model/ddl'
import { dialectFor, openDriver } from '../db/open-driver'
import { judge, runScenario, scenarioSpec, scratchRows } from '../tx/scenario-runner'
import { scenario, SCENARIOS } from '../tx/scenarios'
import { runMatrix } from '../tx/matrix'
import { analyzeTable, applySplit, diagnoseWith, proposeSplit } from '../normalize/normalize-service'
import { diagnoseDeclared, proposeDeclared } from '../normalize/declared'
import { parseEnvFile, parsePostgresUrl } from '../db/connection-parsers'
import { PLAYGROUND_CONNECTION_ID, type Services } from '../services'
import type { Handlers } from './router'
import { modelDdl } from '../model/model-ddl'
import { runWorkload } from '../tx/history/workload'
import { alembicAgainstDatabase, alembicBetweenModels } from '../model/alembic-export'
import { applyMigration, planAgainstDatabase } from '../model/apply-migration'
import { planMigration } from '../model/migrate'
import { applyModel } from '../model/apply-model'
import { createScratchDatabase } from '../model/scratch'
import { schemaToModel } from '../model/reverse'
import { EXPORTERS, importModel } from '../model/formats'
import { resultSource } from '../data/result-source'
import { allPermutations, formatSpec, parseSpec } from '../tx/isolation-spec'
import { CancelToken } from '../normalize/discover-thread'
import type { Driver } from '../db/driver'
import { lockBook } from '../db/lock-book'
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { safeFileName } from '../clients/safe-file-name'
import { ENGINE_LABELS } from '../../src-shared/connection'


/** One handler per contract method; each is a thin call into a service. */
export function createHandlers(s: Services): Handlers {
  /** Running discoveries, by the id the renderer gave them, so Cancel can reach them. */
  const normalizeJobs = new Map<string, CancelToken>()

  /**
   * Schema changes (applies, migrations, normalization) run on a connection of their own, never
   * on the handle's: on PostgreSQL a BEGIN inside the query tabs' open transaction is only a
   * warning, so a failed apply rolled back the user's uncommitted work, and a good one committed it.
   */
  async function onOwnConnection<T>(handle: string, fn: (d: Driver) => Promise<T>): Promise<T> {
    s.connections.driver(handle) // a closed or lost handle says so first
    const name = s.connections.list().find((c) => c.handle === handle)?.name ?? 'this database'
    const d = await openDriver(s.connections.config(handle), `a schema change on ${name}`)
    try {
      return await fn(d)
    } finally {
      await d.close().catch(() => {})
      s.data.invalidate(handle)
    }
  }

  /** A fresh folder under the data directory's downloads/ (see the web host's /download/ route). */
  async function downloadTarget(name: string) {
    if (s.info.transport !== 'web') throw new AppError('UNSUPPORTED', 'The desktop app saves files through its file dialog')
    const id = randomBytes(9).toString('base64url').replace(/_/g, '-')
    const file = safeFileName(name)
    await mkdir(join(s.info.dataDir, 'downloads', id), { recursive: true })
    return { path: join(s.info.dataDir, 'downloads', id, file), url: `/download/${id}/${encodeURIComponent(file)}` }
  }

  return {
    'app.info': async () => s.info,
    'app.pickPath': async (req) => {
      if (!s.pickPath) return { native: false, path: null }
      const path = await s.pickPath(req)
      if (path) s.paths.grant(path)
      return { native: true, path }
    },

    'files.downloadTarget': async ({ name }) => downloadTarget(name),
    'files.snapshotDatabase': async ({ handle }) => {
      const d = s.connections.driver(handle)
      const info = s.connections.list().find((c) => c.handle === handle)
      const name = safeFileName(`${(info?.database ?? 'database').replace(/\.(sqlite3?|db)$/i, '')}.sqlite`)
      const target = await downloadTarget(name)
      const sql = d.dialect.snapshotSql(target.path)
      if (!sql) throw new AppError('UNSUPPORTED', `${ENGINE_LABELS[d.dialect.name]} keeps no single database file to download; export the tables instead`)
      await d.query(sql)
      return { ...target, name }
    },

    'connections.list': async () => s.saved.list(),
    'connections.save': async (i) => {
      if (i.config.engine === 'sqlite') s.paths.check(i.config.path)
      return s.saved.save(i)
    },
    'connections.remove': async ({ id }) => {
      await s.saved.remove(id)
      return null
    },
    'connections.test': async ({ config }) => {
      const r = await s.connections.test(config)
      return { ...r, message: `Connected to ${describeConfig(config)}: ${r.serverVersion}` }
    },
    'connections.open': async (i, ctx) => {
      let opened
      if ('id' in i) {
        const { saved, config: stored } = await s.saved.resolve(i.id)
        // The playground's port and password come from the running server, not the saved entry.
        const config = saved.builtin === 'playground' ? await s.playground.config() : stored
        opened = await s.connections.openConfig(config, { name: saved.name, savedId: saved.id })
      } else {
        if (i.config.engine === 'sqlite') s.paths.check(i.config.path)
        opened = await s.connections.openConfig(i.config, { name: i.name ?? describeConfig(i.config), savedId: null })
      }
      const { handle, name } = opened
      s.clients.own(ctx.clientId, { kind: 'connection', id: handle, label: `the connection to ${name}`, release: () => s.connections.release(handle) })
      return opened
    },
    'connections.close': async ({ handle }) => {
      s.clients.disown('connection', handle)
      await s.connections.close(handle)
      return null
    },
    'connections.reconnect': async ({ handle }) => s.connections.reconnect(handle),
    'connections.listOpen': async (_i, ctx) => s.connections.list().filter((c) => s.clients.ownerOf('connection', c.handle) === ctx.clientId),
    'connections.parseUrl': async ({ url }) => parsePostgresUrl(url),
    'connections.parseEnv': async ({ text }) => parseEnvFile(text),

    'playground.status': async () => s.playground.current,
    'playground.start': async () => {
      const status = await s.playground.start()
      const config = await s.playground.config()
      await s.saved.save({ id: PLAYGROUND_CONNECTION_ID, name: 'PostgreSQL playground', config, rememberPassword: true, builtin: 'playground' })
      s.playground.setConnectionId(PLAYGROUND_CONNECTION_ID)
      return { ...status, connectionId: PLAYGROUND_CONNECTION_ID }
    },
    'playground.stop': async () => {
      for (const c of s.connections.list()) if (c.savedId === PLAYGROUND_CONNECTION_ID) await s.connections.close(c.handle)
      return s.playground.stop()
    },
    'playground.reset': async () => {
      for (const c of s.connections.list()) if (c.savedId === PLAYGROUND_CONNECTION_ID) await s.connections.close(c.handle)
      const status = await s.playground.reset()
      const config = await s.playground.config()
      await s.saved.save({ id: PLAYGROUND_CONNECTION_ID, name: 'PostgreSQL playground', config, rememberPassword: true, builtin: 'playground' })
      return { ...status, connectionId: PLAYGROUND_CONNECTION_ID }
    },

    'schema.introspect': async ({ handle }) => {
      s.data.invalidate(handle)
      const driver = s.connections.driver(handle)
      return driver.dialect.introspect(driver)
    },

    'schema.tableDdl': async ({ handle, schema, name }) => {
      const driver = s.connections.driver(handle)
      const db = await driver.dialect.introspect(driver)
      const table = db.tables.find((t) => t.name === name && t.schema === schema)
      if (!table) throw new AppError('NOT_FOUND', `No table ${name} in this database`)
      const stmts = table.kind === 'view' ? [createViewSql(table, driver.dialect)] : createTableSql(table, driver.dialect)
      return { sql: stmts.map((x) => `${x};`).join('\n\n') }
    },

    'orm.open': async ({ handle, autoflush, expireOnCommit, flushSavepoint, isolationLevel, model }, ctx) => {
      const r = await s.orm.start(handle, { autoflush, expireOnCommit, flushSavepoint, isolationLevel }, model)
      s.clients.own(ctx.clientId, { kind: 'orm-session', id: r.sessionId, label: 'an ORM playground session', release: () => s.orm.close(r.sessionId) })
      return r
    },
    'orm.close': async ({ sessionId }) => {
      s.clients.disown('orm-session', sessionId)
      await s.orm.close(sessionId)
      return null
    },
    'orm.snapshot': async ({ sessionId }) => s.orm.snapshot(sessionId),
    'orm.reconnect': async ({ sessionId }) => s.orm.reconnect(sessionId),
    'orm.query': async ({ sessionId, ...q }) => s.orm.query(sessionId, q),
    'orm.act': async ({ sessionId, action }) => s.orm.act(sessionId, action),

    'data.page': async (req) => s.data.page(req),
    'data.count': async (req) => s.data.count(req),
    'data.locate': async (req) => s.data.locate(req),
    'data.applyEdits': async ({ handle, table, edits, mode }) => s.data.applyEdits(handle, table, edits, mode),

    'data.deleteEffects': async ({ handle, table, keys }) => s.data.deleteEffects(handle, table, keys),
    'data.related': async ({ handle, table, key, strategy }) => s.data.related(handle, table, key, strategy),
    'data.export': async (req, ctx) => {
      s.paths.check(req.path)
      const r = s.exporter.start(req, () => s.clients.disown('export', r.exportId))
      s.clients.own(ctx.clientId, { kind: 'export', id: r.exportId, label: `an export to ${req.path}`, release: () => void s.exporter.cancel(r.exportId) })
      return r
    },
    'data.cancelExport': async ({ exportId }) => ({ cancelled: s.exporter.cancel(exportId) }),
    'data.importPreview': async (req) => {
      s.paths.check(req.path)
      return s.importer.preview(req)
    },
    'data.import': async (req) => {
      s.paths.check(req.path)
      return s.importer.run(req)
    },

    'tx.scenarios': async () => SCENARIOS.map(({ id, name, anomaly, description, panes, steps }) => ({ id, name, anomaly, description, panes, steps })),
    'tx.levels': async ({ handle }) => [...s.connections.driver(handle).dialect.isolationLevels],
    'tx.runScenario': async ({ handle, scenario: id, level }) => runScenario(s.connections.config(handle), scenario(id), level),
    'tx.scenarioSpec': async ({ handle, scenario: id, level }) => {
      const sc = scenario(id)
      return { title: `${sc.name} at ${level ?? 'the default level'}`, text: formatSpec(scenarioSpec(sc, s.connections.driver(handle).dialect, level)) }
    },
    'tx.judgeScenario': async ({ consoleId, scenario: id, level, steps }) => judge(scenario(id), level, steps, await scratchRows(s.consoles.configOf(consoleId))),
    'tx.workload': async ({ handle, level, clients, txns, keys, timeMs }) => {
      const r = await runWorkload(s.connections.config(handle), { level, clients, txns, keys, timeMs })
      const { anomalies, serializable, serialOrder } = r.check
      // The graph of hundreds of transactions stays here; the witnesses are what a person reads.
      return { level: r.level, committed: r.committed, aborted: r.aborted, ms: r.ms, check: { anomalies, serializable, serialOrder: serialOrder ? serialOrder.slice(0, 50) : null, edges: [] } }
    },
    'tx.matrix': async ({ handle }) => runMatrix(s.connections.config(handle)),

    'normalize.analyze': async ({ handle, table, nullsEqual, maxError, jobId, csv }, ctx) => {
      s.paths.check(csv?.path)
      const token = new CancelToken()
      if (jobId) {
        normalizeJobs.set(jobId, token)
        s.clients.own(ctx.clientId, { kind: 'discovery', id: jobId, label: `dependency discovery on ${table}`, release: () => token.cancel() })
      }
      try {
        return await analyzeTable(s.connections.driver(handle), table, { nullsEqual, maxError, csv, offThread: true, token, onProgress: (p) => jobId && s.events.emit('onNormalizeProgress', { jobId, ...p }) })
      } finally {
        if (jobId) {
          normalizeJobs.delete(jobId)
          s.clients.disown('discovery', jobId)
        }
      }
    },
    'normalize.cancel': async ({ jobId }) => {
      const token = normalizeJobs.get(jobId)
      token?.cancel()
      return { cancelled: !!token }
    },
    'normalize.diagnose': async ({ handle, table, fds, csv }) => (s.paths.check(csv?.path), diagnoseWith(s.connections.driver(handle), table, fds, csv)),
    'normalize.propose': async ({ handle, table, target, fds, keepView, csv, names }) => (s.paths.check(csv?.path), proposeSplit(s.connections.driver(handle), table, target, fds, keepView, csv, names)),
    'normalize.apply': async ({ handle, table, target, fds, keepView, names }) => onOwnConnection(handle, (d) => applySplit(d, table, target, fds, keepView, names)),
    'normalize.declared': async ({ table, fds, target }) => ({ diagnosis: diagnoseDeclared(table, fds), proposal: target ? proposeDeclared(table, fds, target) : null }),

    'model.ddl': async ({ doc, engine }) => modelDdl(doc, dialectFor(engine)),
    'model.scratch': async ({ doc }) => ({ path: await createScratchDatabase(s.info.dataDir, doc) }),
    'model.apply': async ({ handle, doc }) => onOwnConnection(handle, (d) => applyModel(d, doc)),
    'model.reverse': async ({ handle }) => {
      const d = s.connections.driver(handle)
      return schemaToModel(await d.dialect.introspect(d), d.dialect, s.connections.list().find((c) => c.handle === handle)?.name)
    },
    'model.diff': async ({ handle, doc }) => planAgainstDatabase(s.connections.driver(handle), doc),
    'model.migrate': async ({ handle, doc }) => onOwnConnection(handle, (d) => applyMigration(d, doc)),
    'model.diffModels': async ({ from, to, engine }) => planMigration(from, to, dialectFor(engine)),
    'model.alembic': async ({ doc, message, handle, from, downRevision }) => {
      if (handle) return alembicAgainstDatabase(s.connections.driver(handle), doc, message)
      if (!from) throw new AppError('BAD_REQUEST', 'An Alembic revision needs a database (handle) or a model (from) to start from.')
      return alembicBetweenModels(from, doc, message, downRevision)
    },
    'model.export': async ({ doc, format }) => ({ code: EXPORTERS[format](doc) }),
    'model.import': async ({ format, path, paths, text, sqlDialect }) => {
      s.paths.check(path)
      for (const p of paths ?? []) s.paths.check(p)
      // PostgreSQL's parser is the playground server's, started if it is not running.
      const server = () => s.playground.ensureRunning()
      return importModel(format, { path, paths, text, parser: sqlDialect === 'sqlite' ? { engine: 'sqlite' } : { engine: sqlDialect, server } })
    },
    'model.open': async ({ path }) => {
      s.paths.check(path)
      return s.models.open(path)
    },
    'model.save': async ({ path, doc }) => {
      s.paths.check(path)
      return s.models.save(path, doc)
    },
    'model.recent': async () => s.models.recent(),

    'tx.consoleOpen': async ({ handle, panes }, ctx) => {
      const consoleId = await s.consoles.open(s.connections.config(handle), panes)
      s.clients.own(ctx.clientId, { kind: 'console', id: consoleId, label: 'a transaction console', release: () => s.consoles.close(consoleId) })
      return { consoleId }
    },
    'tx.consoleClose': async ({ consoleId }) => {
      s.clients.disown('console', consoleId)
      await s.consoles.close(consoleId)
      return null
    },
    'tx.addPane': async ({ consoleId }) => ({ pane: await s.consoles.addPane(consoleId) }),
    'tx.reconnectPane': async ({ consoleId, pane }) => {
      await s.consoles.reconnectPane(consoleId, pane)
      return null
    },
    'tx.removePane': async ({ consoleId, pane }) => {
      await s.consoles.removePane(consoleId, pane)
      return null
    },
    'tx.run': async ({ consoleId, pane, sql, level, readOnly, deferrable }) => ({ entry: s.consoles.run(consoleId, pane, sql, level, { readOnly, deferrable }) }),
    'tx.snapshot': async ({ consoleId }) => s.consoles.snapshot(consoleId),
    'tx.exportConsole': async ({ consoleId }) => s.consoles.exportConsole(consoleId),
    'tx.rowVersions': async ({ consoleId, pane, table }) => s.consoles.rowVersions(consoleId, pane, table),
    'tx.parseSpec': async ({ text }) => {
      const spec = parseSpec(text)
      return { ...spec, permutations: spec.permutations.length ? spec.permutations : allPermutations(spec, 200) }
    },
    'tx.queue': async (cmd) => s.consoles.queue(cmd.consoleId, cmd),
    'tx.runAdmin': async ({ consoleId, statements }) => {
      await s.consoles.runAdmin(consoleId, statements)
      return null
    },

    'query.run': async ({ handle, sql, params, queryId }, ctx) => {
      const key = s.connections.list().find((c) => c.handle === handle)?.savedId ?? 'adhoc'
      const at = Date.now()
      if (queryId) s.clients.own(ctx.clientId, { kind: 'query', id: queryId, label: 'a running query', release: () => s.connections.cancel(queryId) })
      try {
        const r = await s.connections.query(handle, sql, params ?? [], queryId)
        void s.history.add(key, { sql, at, durationMs: r.durationMs, rows: r.rowCount, error: null })
        // Whether the rows can be edited in place (one table, its key among the columns).
        const driver = s.connections.driver(handle)
        const source = await resultSource(driver, r, (ref) => s.data.table(handle, ref)).catch(() => ({ columns: r.columns.map(({ name, type }) => ({ name, type })), source: null, readOnly: null }))
        return { ...r, ...source }
      } catch (e) {
        void s.history.add(key, { sql, at, durationMs: Date.now() - at, rows: 0, error: e instanceof Error ? e.message : String(e) })
        throw e
      } finally {
        if (queryId) s.clients.disown('query', queryId)
      }
    },
    'query.explain': async ({ handle, sql, analyze }) => {
      const driver = s.connections.driver(handle)
      return driver.dialect.explain(driver, sql, analyze, () => openDriver(s.connections.config(handle)))
    },
    'query.history': async ({ handle }) => s.history.list(s.connections.list().find((c) => c.handle === handle)?.savedId ?? 'adhoc'),
    'locks.rollback': async ({ holderId }) => {
      const party = lockBook.get(holderId)
      if (!party) throw new AppError('NOT_FOUND', 'That connection is gone already: its transaction ended with it')
      const had = party.transactionSince() !== null
      await party.rollback()
      s.events.log('info', 'locks', `Rolled back ${party.label} on request`)
      // The query tabs' own connection: the renderer puts its status back to auto-commit.
      const handle = s.connections.list().find((c) => !c.lost && (s.connections.driver(c.handle) as Partial<typeof party>).partyId === holderId)?.handle ?? null
      return { rolledBack: had, label: party.label, handle }
    },
    'query.cancel': async ({ queryId }) => ({ cancelled: await s.connections.cancel(queryId) }),
  }
}
