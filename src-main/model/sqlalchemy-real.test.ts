import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DatabaseSchema } from '../../src-shared/schema'
import { SqliteDriver } from '../db/sqlite/sqlite-driver'
import { sqliteDialect } from '../db/sqlite/sqlite-dialect'
import { modelDdl } from './model-ddl'
import { schemaToModel } from './reverse'
import { exportSqlalchemy } from './sqlalchemy-export'

// The exported models.py run by real SQLAlchemy 2.1 (../shared/vendor/python): it imports,
// configure_mappers() accepts it, and metadata.create_all() on SQLite makes the schema
// Schemist's own DDL makes.
const VENDOR = join(__dirname, '../../../shared/vendor/python')
const python = spawnSync('python3', ['--version']).status === 0
const why = !existsSync(VENDOR)
  ? `the vendored SQLAlchemy is not at ${VENDOR} (a fresh clone without ../shared)`
  : !python
    ? 'python3 is not on this machine'
    : null

const RUN = `
import sys, types
from sqlalchemy import create_engine
from sqlalchemy.orm import configure_mappers
source = open(sys.argv[1]).read()
module = types.ModuleType("models")
exec(compile(source, "models.py", "exec"), module.__dict__)
configure_mappers()
engine = create_engine("sqlite:///" + sys.argv[2])
module.Base.metadata.create_all(engine)
print("ok")
`

async function structure(path: string) {
  const d = await SqliteDriver.open({ engine: 'sqlite', path, create: false, readOnly: true })
  try {
    const s: DatabaseSchema = await d.dialect.introspect(d)
    return s.tables
      .filter((t) => t.kind === 'table')
      .map((t) => ({
        name: t.name,
        columns: t.columns.map((c) => [c.name, c.nullable, c.primaryKey, c.unique]),
        foreignKeys: t.foreignKeys.map((f) => [f.columns, f.refTable, f.refColumns, f.onDelete]).sort(),
        checks: t.checks.length,
      }))
      .sort((a, b) => a.name.localeCompare(b.name))
  } finally {
    await d.close()
  }
}

describe.skipIf(why !== null)(
  `exported SQLAlchemy code, run by SQLAlchemy 2.1${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it("the bundled sample's models.py imports, configures and creates the schema Schemist's DDL creates, keyless tables included", async () => {
      const sample = await SqliteDriver.open({
        engine: 'sqlite',
        path: join(__dirname, '../../resources/sample.sqlite'),
        create: false,
        readOnly: true,
      })
      const doc = schemaToModel(await sample.dialect.introspect(sample), sample.dialect)
      await sample.close()
      const dir = mkdtempSync(join(tmpdir(), 'schemist-sa-'))
      const code = exportSqlalchemy(doc)
      // Tables without a primary key are Table(...) objects, as SQLAlchemy requires.
      expect(code).toMatch(/course_teacher_rooms = Table\(|CourseTeacherRoom\w* = Table\(/)
      writeFileSync(join(dir, 'models.py'), code)
      writeFileSync(join(dir, 'run.py'), RUN)
      const r = spawnSync('python3', [join(dir, 'run.py'), join(dir, 'models.py'), join(dir, 'by-sqlalchemy.sqlite')], {
        env: { ...process.env, PYTHONPATH: VENDOR, PYTHONDONTWRITEBYTECODE: '1' },
        encoding: 'utf8',
      })
      expect(r.stderr).toBe('')
      expect(r.stdout.trim()).toBe('ok')
      const ours = await SqliteDriver.open({
        engine: 'sqlite',
        path: join(dir, 'by-schemist.sqlite'),
        create: true,
        readOnly: false,
      })
      await ours.execScript(
        modelDdl(doc, sqliteDialect)
          .statements.map((x) => `${x};`)
          .join('\n'),
      )
      await ours.close()
      expect(await structure(join(dir, 'by-sqlalchemy.sqlite'))).toEqual(
        await structure(join(dir, 'by-schemist.sqlite')),
      )
    }, 60_000)
  },
)

// Generated models (the importer's property-test generator), exported and run by SQLAlchemy:
// each module imports, configure_mappers() accepts its relationships, create_all() runs on SQLite.
const MANY = `
import sys, types, json
from sqlalchemy import create_engine
from sqlalchemy.orm import configure_mappers, clear_mappers
failures = []
for path in sys.argv[1:]:
    try:
        module = types.ModuleType("models")
        exec(compile(open(path).read(), path, "exec"), module.__dict__)
        configure_mappers()
        module.Base.metadata.create_all(create_engine("sqlite://"))
    except Exception as e:
        failures.append(path + ": " + type(e).__name__ + ": " + str(e).splitlines()[0])
    finally:
        clear_mappers()
print(json.dumps(failures))
`

describe.skipIf(why !== null)(
  `generated models' SQLAlchemy code, run by SQLAlchemy 2.1${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it('40 generated models import, configure and create their tables', async () => {
      const { buildModel } = await import('./sqlalchemy/arbitrary-model')
      const dir = mkdtempSync(join(tmpdir(), 'schemist-sa-many-'))
      const files: string[] = []
      for (let seed = 1; seed <= 40; seed++) {
        const f = join(dir, `models_${seed}.py`)
        writeFileSync(f, exportSqlalchemy(buildModel(seed)))
        files.push(f)
      }
      writeFileSync(join(dir, 'run.py'), MANY)
      const r = spawnSync('python3', [join(dir, 'run.py'), ...files], {
        env: { ...process.env, PYTHONPATH: VENDOR, PYTHONDONTWRITEBYTECODE: '1' },
        encoding: 'utf8',
      })
      expect(r.stderr).toBe('')
      expect(JSON.parse(r.stdout)).toEqual([])
    }, 120_000)
  },
)
