import { emptyModel, type ModelDocument } from '../../../src-shared/model/document'
import type { ImportReport } from '../../../src-shared/model/import-report'
import { autoLayout } from '../../../src-shared/model/layout'
import { tableNameFor } from '../../../src-shared/naming'
import { AppError } from '../../../src-shared/errors'
import type { Project } from './project'
import { ClassGraph } from './read-classes'
import { ColumnReader } from './read-columns'
import { ReadContext } from './read-context'
import { Declarations } from './read-declarations'
import { resolveForeignKeys, settleKeys, type ReaderParts } from './read-keys'
import { MetadataReader } from './read-metadata'
import { RelationshipReader } from './read-relationships'
import { TableBuilder } from './read-tables'
import { TypeReader } from './read-types'

/**
 * What SQLAlchemy would build from a project's declarations, read without running them:
 * declarative classes (with their mixins, the DeclarativeBase subclass's own columns,
 * `declared_attr` bodies that are one return, `Annotated` aliases and `type_annotation_map`),
 * `Table(...)` objects, `__table_args__`, `index=` and `unique=`, foreign keys written as
 * strings, `Table.c` columns or class attributes, enums, TypeDecorators, naming conventions,
 * single- and joined-table inheritance, and relationships onto the keys they travel. What it
 * cannot resolve is said in the report with its file and line; nothing becomes a made-up type.
 *
 * The parts (read-*.ts) share one ReadContext and are built in the order they depend on each
 * other; this function runs the passes and writes the document and its report.
 */
export function readProject(project: Project, name: string): { doc: ModelDocument; report: ImportReport } {
  const cx = new ReadContext(project)
  const classes = new ClassGraph(cx)
  const meta = new MetadataReader(cx, classes)
  const types = new TypeReader(cx, classes, meta)
  const columns = new ColumnReader(cx, types)
  const tables = new TableBuilder(cx, columns)
  const parts: ReaderParts = { cx, classes, meta, types, columns, tables }
  const decl = new Declarations(parts)
  decl.read()
  resolveForeignKeys(parts)
  settleKeys(parts)
  const relationships = new RelationshipReader(parts)
  for (const r of decl.rels) relationships.apply(r)

  const doc = emptyModel(name)
  doc.naming = decl.derivedNames > 0 ? 'class' : 'snake_plural'
  for (const b of tables.builds) {
    const t = b.table
    if (b.cls && !b.variable) t.nameLocked = t.name !== tableNameFor(t.className, doc.naming)
    else t.nameLocked = true
    if (t.association && t.foreignKeys.length === 2) for (const f of t.foreignKeys) delete f.orm
    doc.tables.push(t)
  }
  if (doc.tables.length === 0)
    throw new AppError(
      'BAD_REQUEST',
      `No mapped classes or Table(...) definitions were found in ${[...project.modules.values()].map((m) => m.file).join(', ')}.`,
    )

  const mods = [...project.modules.values()]
  const read = [
    `${doc.tables.length} table${doc.tables.length === 1 ? '' : 's'} from ${mods.length === 1 ? mods[0].file : `${mods.length} modules`}: ${decl.mapped.length} mapped class${decl.mapped.length === 1 ? '' : 'es'}, ${tables.builds.filter((b) => b.variable).length} Table(...) object${tables.builds.filter((b) => b.variable).length === 1 ? '' : 's'}`,
    ...(mods.length > 1 ? [`modules: ${mods.map((m) => m.name).join(', ')}`] : []),
    `${doc.tables.reduce((n, t) => n + t.columns.length, 0)} columns, ${doc.tables.reduce((n, t) => n + t.foreignKeys.length, 0)} foreign keys, ${doc.tables.reduce((n, t) => n + t.indexes.length, 0)} indexes, ${doc.tables.reduce((n, t) => n + t.uniques.length + t.columns.filter((c) => c.unique).length, 0)} unique constraints, ${doc.tables.reduce((n, t) => n + t.checks.length, 0)} checks`,
    ...(cx.counts.rels ? [`${cx.counts.rels} relationship${cx.counts.rels === 1 ? '' : 's'}`] : []),
    ...(cx.counts.aliases.size ? [`Annotated aliases: ${[...cx.counts.aliases].join(', ')}`] : []),
    ...(cx.counts.decorators
      ? [`${cx.counts.decorators} column${cx.counts.decorators === 1 ? '' : 's'} typed by a TypeDecorator's impl`]
      : []),
    ...(cx.counts.enums ? [`${cx.counts.enums} enum column${cx.counts.enums === 1 ? '' : 's'}`] : []),
    ...(cx.counts.conventions.size ? [`naming convention from ${[...cx.counts.conventions].join(', ')}`] : []),
    ...(cx.counts.single
      ? [
          `${cx.counts.single} class${cx.counts.single === 1 ? '' : 'es'} sharing a parent's table (single-table inheritance)`,
        ]
      : []),
    ...(cx.counts.joined
      ? [
          `${cx.counts.joined} class${cx.counts.joined === 1 ? '' : 'es'} with a table of their own under a mapped parent (joined inheritance)`,
        ]
      : []),
  ]
  return { doc: autoLayout(doc), report: { read, approximated: cx.approximated, skipped: cx.skipped } }
}
