import { AppError } from '../../src-shared/errors'
import type { ReferentialAction } from '../../src-shared/schema'
import { REFERENTIAL_ACTIONS } from '../../src-shared/schema'
import { blankTable, emptyModel, newId, type ModelColumn, type ModelDocument, type ModelTable } from '../../src-shared/model/document'
import { newColumn } from '../../src-shared/model/edit'
import { autoLayout } from '../../src-shared/model/layout'
import { className } from '../../src-shared/naming'
import { neutralFromNative } from '../db/type-names'

/**
 * DBML (dbdiagram.io's language) read into a model by a small recursive-descent parser:
 * tables with column settings, composite keys and indexes, notes, inline and standalone refs
 * (including `Ref { }` blocks), many-to-many `<>` refs as association tables, and enums as
 * SQLAlchemy's non-native `Enum` realises them: a varchar as long as the longest value with a
 * CHECK (column IN (...)), which both engines enforce. Projects are read past; table groups and
 * partials are read past with a warning. Errors name the line.
 */

type Tok = { t: 'word' | 'str' | 'num' | 'expr' | 'punct'; v: string; line: number }

function tokenize(src: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  let line = 1
  while (i < src.length) {
    const c = src[i]
    if (c === '\n') {
      line++
      i++
    } else if (/\s/.test(c)) i++
    else if (src.startsWith('//', i)) while (i < src.length && src[i] !== '\n') i++
    else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2)
      const stop = end < 0 ? src.length : end + 2
      line += (src.slice(i, stop).match(/\n/g) ?? []).length
      i = stop
    } else if (src.startsWith("'''", i)) {
      const end = src.indexOf("'''", i + 3)
      if (end < 0) throw new AppError('BAD_REQUEST', `DBML line ${line}: a ''' string is not closed`)
      out.push({ t: 'str', v: src.slice(i + 3, end), line })
      line += (src.slice(i, end).match(/\n/g) ?? []).length
      i = end + 3
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      let v = ''
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          v += src[j + 1]
          j += 2
        } else v += src[j++]
      }
      if (j >= src.length) throw new AppError('BAD_REQUEST', `DBML line ${line}: a ${c} string is not closed`)
      out.push({ t: c === '`' ? 'expr' : c === '"' ? 'word' : 'str', v, line })
      i = j + 1
    } else if (/[A-Za-z_0-9\u00c0-\uffff]/.test(c)) {
      let j = i
      while (j < src.length && /[A-Za-z_0-9\u00c0-\uffff]/.test(src[j])) j++
      const v = src.slice(i, j)
      out.push({ t: /^-?\d+(\.\d+)?$/.test(v) ? 'num' : 'word', v, line })
      i = j
    } else if (c === '-' && /\d/.test(src[i + 1] ?? '')) {
      let j = i + 1
      while (j < src.length && /[\d.]/.test(src[j])) j++
      out.push({ t: 'num', v: src.slice(i, j), line })
      i = j
    } else if (c === '#' && /[0-9A-Fa-f]/.test(src[i + 1] ?? '')) {
      // A colour, as in `[color: #3498db]`.
      let j = i + 1
      while (j < src.length && /[0-9A-Fa-f]/.test(src[j])) j++
      out.push({ t: 'str', v: src.slice(i, j), line })
      i = j
    } else if (src.startsWith('<>', i)) {
      out.push({ t: 'punct', v: '<>', line })
      i += 2
    } else {
      out.push({ t: 'punct', v: c, line })
      i++
    }
  }
  return out
}

interface Ref {
  from: { schema: string | null; table: string; columns: string[] }
  op: string
  to: { schema: string | null; table: string; columns: string[] }
  name: string | null
  onDelete: ReferentialAction
  onUpdate: ReferentialAction
}

/** An identifier as a CHECK expression names it: bare when plain, quoted otherwise. */
const sqlIdent = (n: string) => (/^[a-z_][a-z0-9_]*$/.test(n) ? n : `"${n.replaceAll('"', '""')}"`)

export function importDbml(src: string, name = 'Imported model', warnings: string[] = []): ModelDocument {
  const toks = tokenize(src)
  let p = 0
  const peek = (k = 0) => toks[p + k]
  const fail = (msg: string): never => {
    throw new AppError('BAD_REQUEST', `DBML line ${peek()?.line ?? toks[toks.length - 1]?.line ?? 1}: ${msg}`)
  }
  const next = () => toks[p++] ?? fail('unexpected end of the file')
  const isP = (v: string, k = 0) => peek(k)?.t === 'punct' && peek(k)?.v === v
  const eat = (v: string) => (isP(v) ? (p++, true) : false)
  const expect = (v: string) => {
    if (!eat(v)) fail(`expected "${v}" but found "${peek()?.v ?? 'the end'}"`)
  }
  const word = () => {
    const t = next()
    if (t.t !== 'word' && t.t !== 'num') fail(`expected a name but found "${t.v}"`)
    return t.v
  }
  /** `name`, `schema.name` or `schema.table.column`-style dotted names. */
  const dotted = () => {
    const parts = [word()]
    while (isP('.')) {
      p++
      if (isP('(')) break
      parts.push(word())
    }
    return parts
  }
  const skipBlock = () => {
    expect('{')
    let depth = 1
    while (depth > 0) {
      const t = next()
      if (t.t === 'punct' && t.v === '{') depth++
      if (t.t === 'punct' && t.v === '}') depth--
    }
  }
  /** `[a, b: value, ...]` settings as key -> value (true for bare flags). */
  const settings = (): Map<string, Tok | true> => {
    const out = new Map<string, Tok | true>()
    if (!eat('[')) return out
    while (!eat(']')) {
      const words: string[] = []
      while (peek() && peek().t === 'word' && !isP(':', 0)) {
        words.push(peek().v.toLowerCase())
        p++
        if (isP(':') || isP(',') || isP(']')) break
      }
      if (words.length === 0 && (isP('>') || isP('<') || isP('-') || isP('<>'))) fail('write inline refs as ref: > table.column')
      const key = words.join(' ')
      if (eat(':')) {
        if (key === 'ref') {
          const op = next().v
          const target = dotted()
          out.set('ref', { t: 'expr', v: `${op} ${target.join('.')}`, line: 0 })
        } else out.set(key, next())
      } else out.set(key, true)
      if (!eat(',') && !isP(']')) fail(`expected "," or "]" in settings, found "${peek()?.v}"`)
    }
    return out
  }
  const action = (v: Tok | true | undefined): ReferentialAction => {
    const s = v && v !== true ? v.v.toUpperCase() : 'NO ACTION'
    return (REFERENTIAL_ACTIONS as readonly string[]).includes(s) ? (s as ReferentialAction) : fail(`"${s}" is not a referential action`)
  }
  const columnsOf = () => {
    if (eat('(')) {
      const cols = [word()]
      while (eat(',')) cols.push(word())
      expect(')')
      return cols
    }
    return [word()]
  }
  const endpoint = () => {
    const parts = dotted()
    const columns = isP('(') ? columnsOf() : [parts.pop()!]
    const table = parts.pop() ?? fail('a ref names table.column')
    return { schema: parts.length ? parts.join('.') : null, table, columns }
  }
  const refBody = (refName: string | null): Ref => {
    const from = endpoint()
    const opTok = next()
    if (opTok.t !== 'punct' || !['>', '<', '-', '<>'].includes(opTok.v)) fail(`expected >, <, - or <> in a ref, found "${opTok.v}"`)
    const to = endpoint()
    const s = settings()
    return { from, op: opTok.v, to, name: refName, onDelete: action(s.get('delete')), onUpdate: action(s.get('update')) }
  }

  const doc = emptyModel(name)
  const enums = new Map<string, string[]>()
  const enumUses: { table: ModelTable; column: ModelColumn; type: string; line: number }[] = []
  const refs: Ref[] = []
  const notes = new Map<ModelTable, string>()
  while (p < toks.length) {
    const kw = word().toLowerCase()
    if (kw === 'table') {
      const parts = dotted()
      const tname = parts.pop()!
      const schema = parts.length ? parts.join('.') : null
      if (peek()?.t === 'word' && peek().v.toLowerCase() === 'as') p += 2
      settings()
      expect('{')
      const t = blankTable({ schema, name: tname, className: className(tname), nameLocked: true, columns: [] })
      while (!eat('}')) {
        const head = peek()
        if (head.t === 'word' && head.v.toLowerCase() === 'indexes' && isP('{', 1)) {
          p += 2
          while (!eat('}')) {
            const cols = columnsOf()
            const s = settings()
            const pk = s.has('pk') || s.has('primary key')
            if (pk) for (const [i, c] of cols.entries()) Object.assign(t.columns.find((x) => x.name === c) ?? fail(`index on unknown column ${c}`), { primaryKey: i + 1, nullable: false })
            else if (s.has('unique') && !s.has('name')) t.uniques.push({ name: null, columns: cols })
            else {
              const n = s.get('name')
              t.indexes.push({ name: n && n !== true ? n.v : `ix_${tname}_${cols.join('_')}`, columns: cols, unique: s.has('unique'), where: null })
            }
          }
          continue
        }
        if (head.t === 'word' && head.v.toLowerCase() === 'checks' && isP('{', 1)) {
          // DBML 3.7's table checks: `expression` [name: 'ck_x'].
          p += 2
          while (!eat('}')) {
            const e = next()
            if (e.t !== 'expr') fail('a check is written as `expression` in backticks')
            const n = settings().get('name')
            t.checks.push({ name: n && n !== true ? n.v : null, expression: e.v })
          }
          continue
        }
        if (head.t === 'word' && head.v.toLowerCase() === 'note' && isP(':', 1)) {
          p += 2
          notes.set(t, next().v)
          continue
        }
        const colName = word()
        const typeTok = next()
        let type = typeTok.v
        // A schema-qualified type (an enum in another schema): `schema.type`.
        while (isP('.') && (peek(1)?.t === 'word' || peek(1)?.t === 'num')) {
          p++
          type += `.${next().v}`
        }
        if (eat('(')) {
          const args: string[] = []
          while (!eat(')')) {
            const a = next()
            if (a.v !== ',') args.push(a.v)
          }
          type += `(${args.join(',')})`
        }
        const s = settings()
        const nt = neutralFromNative(type)
        const c: ModelColumn = newColumn(colName, nt.type, { nativeType: nt.type === 'unknown' ? type : '' })
        if (nt.length != null) c.length = nt.length
        if (nt.scale != null) c.scale = nt.scale
        enumUses.push({ table: t, column: c, type, line: typeTok.line })
        if (s.has('pk') || s.has('primary key')) Object.assign(c, { primaryKey: 1, nullable: false })
        if (s.has('not null')) c.nullable = false
        if (s.has('unique')) c.unique = true
        if (s.has('increment')) c.autoincrement = true
        const d = s.get('default')
        if (d && d !== true) c.serverDefault = d.t === 'str' ? `'${d.v.replaceAll("'", "''")}'` : d.v
        const ck = s.get('check')
        if (ck && ck !== true) t.checks.push({ name: null, expression: ck.v })
        const note = s.get('note')
        if (note && note !== true) c.comment = note.v
        const r = s.get('ref')
        if (r && r !== true) {
          const [op, target] = r.v.split(' ')
          const tp = target.split('.')
          const col = tp.pop()!
          const table = tp.pop()!
          refs.push({ from: { schema, table: tname, columns: [colName] }, op, to: { schema: tp.length ? tp.join('.') : null, table, columns: [col] }, name: null, onDelete: 'NO ACTION', onUpdate: 'NO ACTION' })
        }
        t.columns.push(c)
      }
      doc.tables.push(t)
    } else if (kw === 'ref') {
      let refName: string | null = null
      if (!isP(':') && !isP('{')) refName = word()
      if (eat('{')) {
        while (!eat('}')) refs.push(refBody(refName))
      } else {
        expect(':')
        refs.push(refBody(refName))
      }
    } else if (kw === 'enum') {
      const ename = dotted().join('.')
      expect('{')
      const values: string[] = []
      while (!eat('}')) {
        const v = next()
        if (v.t === 'punct') fail(`expected an enum value but found "${v.v}"`)
        values.push(v.v)
        settings()
      }
      if (values.length === 0) fail(`enum ${ename} has no values`)
      enums.set(ename, values)
    } else if (kw === 'tablegroup' || kw === 'tablepartial') {
      const gname = peek()?.t === 'punct' ? '' : dotted().join('.')
      settings()
      warnings.push(`${kw === 'tablegroup' ? 'TableGroup' : 'TablePartial'} ${gname} was read past: Schemist models have no ${kw === 'tablegroup' ? 'table groups' : 'table partials'}.`)
      skipBlock()
    } else if (kw === 'project' || kw === 'note') {
      while (!isP('{')) next()
      skipBlock()
    } else fail(`unexpected "${kw}": DBML files hold Table, Ref, Enum, TableGroup and Project`)
  }
  for (const [t, n] of notes) t.comment = n
  for (const u of enumUses) {
    const values = enums.get(u.type) ?? enums.get(u.type.replace(/^public\./, ''))
    if (!values) continue
    // The column keeps its name and settings; its type becomes the values' varchar and a CHECK.
    Object.assign(u.column, { type: 'varchar', nativeType: '', length: Math.max(...values.map((v) => v.length)) })
    delete u.column.scale
    u.table.checks.push({ name: null, expression: `${sqlIdent(u.column.name)} IN (${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')})` })
  }

  const find = (e: Ref['from']) => doc.tables.find((t) => t.name === e.table && (t.schema ?? null) === (e.schema ?? null)) ?? fail(`a ref names ${e.table}, which is not a table here`)
  for (const r of refs) {
    if (r.op === '<>') {
      // Many-to-many: an association table, as the designer would draw it.
      const a = find(r.from)
      const b = find(r.to)
      const cols = [...r.from.columns.map((c) => [a, c] as const), ...r.to.columns.map((c) => [b, c] as const)]
      const assoc = blankTable({ name: `${a.name}_${b.name}`, className: className(`${a.name}_${b.name}`), nameLocked: true, columns: [] })
      for (const [i, [t, c]] of cols.entries()) {
        const src = t.columns.find((x) => x.name === c) ?? fail(`${t.name} has no column ${c}`)
        assoc.columns.push({ ...newColumn(`${t.name}_${c}`, src.type), length: src.length, scale: src.scale, nullable: false, primaryKey: i + 1 })
      }
      for (const c of assoc.columns) for (const k of ['length', 'scale'] as const) if (c[k] === undefined) delete c[k]
      assoc.foreignKeys = [
        { id: newId('f'), name: null, columns: r.from.columns.map((c) => `${a.name}_${c}`), refSchema: a.schema, refTable: a.name, refColumns: r.from.columns, onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
        { id: newId('f'), name: null, columns: r.to.columns.map((c) => `${b.name}_${c}`), refSchema: b.schema, refTable: b.name, refColumns: r.to.columns, onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
      ]
      assoc.association = { names: [b.name, a.name], lazy: 'select' }
      doc.tables.push(assoc)
      continue
    }
    // `a > b`: a references b; `a < b`: b references a; `a - b`: one-to-one, the left side holds the key.
    const [child, parent] = r.op === '<' ? [r.to, r.from] : [r.from, r.to]
    const t = find(child)
    find(parent)
    for (const c of child.columns) if (!t.columns.some((x) => x.name === c)) fail(`${t.name} has no column ${c}`)
    if (r.op === '-' && child.columns.length === 1) t.columns = t.columns.map((c) => (c.name === child.columns[0] && c.primaryKey === 0 ? { ...c, unique: true } : c))
    t.foreignKeys.push({ id: newId('f'), name: r.name, columns: child.columns, refSchema: parent.schema, refTable: parent.table, refColumns: parent.columns, onDelete: r.onDelete, onUpdate: r.onUpdate })
  }
  if (doc.tables.length === 0) fail('no tables')
  return autoLayout(doc)
}
