import { parser } from '@lezer/python'
import type { SyntaxNode } from '@lezer/common'
import { AppError } from '../../../src-shared/errors'

/**
 * The part of Python that model code is written in, as plain data: modules of imports,
 * assignments, classes, functions and expressions. The parsing is @lezer/python's (a real
 * Python grammar); this file only turns its concrete syntax tree into something an
 * interpreter of SQLAlchemy declarations can walk. Code is never run.
 */

/** An expression; `at` is its offset in the module's source, for messages with a line. */
export type Py = { at: number } & (
  | { k: 'name'; v: string } // a name or a dotted path of names: `sa.Integer`, `User.id`
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'call'; fn: Py; args: Py[]; kw: Record<string, Py>; spread: boolean }
  | { k: 'sub'; base: Py; items: Py[] }
  | { k: 'attr'; base: Py; name: string } // an attribute of something that is not a plain name: `f().x`
  | { k: 'or'; items: Py[] } // `X | None`
  | { k: 'seq'; items: Py[] }
  | { k: 'dict'; entries: [Py, Py][] }
  | { k: 'lambda'; body: Py }
  | { k: 'other'; text: string }
)

export type Stmt = { at: number } & (
  | { k: 'import'; module: string; alias: string | null } // import a.b [as c]
  | { k: 'from'; module: string; level: number; names: { name: string; alias: string | null }[] | '*' }
  | { k: 'assign'; target: string; annotation: Py | null; value: Py | null }
  | { k: 'class'; name: string; bases: Py[]; kw: Record<string, Py>; body: Stmt[] }
  | { k: 'def'; name: string; decorators: string[]; returns: Py | null; ret: Py | null }
  | { k: 'expr'; value: Py }
)

export interface PyModule {
  /** Dotted module name (`shop.models.users`); a package's `__init__` is the package's name. */
  name: string
  /** The file, as the user named it (for messages). */
  file: string
  isPackage: boolean
  body: Stmt[]
  line(at: number): number
}

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', 'AssignOp', 'Comment'])

function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = []
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c)
  return out
}

function pyString(raw: string): string | null {
  const m = /^([rRbBuUfF]*)("""|'''|"|')([\s\S]*)\2$/.exec(raw)
  if (!m || /[fFbB]/.test(m[1])) return null
  const body = m[3]
  if (/r/i.test(m[1])) return body
  return body.replace(
    /\\(n|t|\\|'|"|r|0|\n)/g,
    (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0', '\n': '' })[c] ?? c,
  )
}

/** Parse one module; a syntax error is refused with the file and line. */
export function parseModule(code: string, file: string, name: string, isPackage: boolean): PyModule {
  const tree = parser.parse(code)
  let bad: SyntaxNode | null = null
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && !bad) bad = n.node
      return !bad
    },
  })
  const lineStarts = [0]
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1)
  const line = (at: number) => {
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (lineStarts[mid] <= at) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }
  if (bad) {
    const l = line((bad as SyntaxNode).from)
    throw new AppError(
      'BAD_REQUEST',
      `Python syntax error on line ${l} of ${file}: ${code.split('\n')[l - 1]?.trim() ?? ''}`,
    )
  }
  const body = new ModuleReader(code).statements(children(tree.topNode), true)
  return { name, file, isPackage, body, line }
}

/** Lezer's syntax tree of one module turned into the small Python model the importer reads. */
class ModuleReader {
  constructor(private readonly code: string) {}

  private text(n: SyntaxNode) {
    return this.code.slice(n.from, n.to)
  }

  expr(n: SyntaxNode): Py {
    const at = n.from
    switch (n.name) {
      case 'VariableName':
        return { at, k: 'name', v: this.text(n) }
      case 'String': {
        const v = pyString(this.text(n))
        return v == null ? { at, k: 'other', text: this.text(n) } : { at, k: 'str', v }
      }
      case 'ContinuedString': {
        const parts = children(n).map((c) => pyString(this.text(c)))
        return parts.every((p) => p != null)
          ? { at, k: 'str', v: parts.join('') }
          : { at, k: 'other', text: this.text(n) }
      }
      case 'Number': {
        const v = Number(this.text(n).replaceAll('_', ''))
        return Number.isFinite(v) ? { at, k: 'num', v } : { at, k: 'other', text: this.text(n) }
      }
      case 'UnaryExpression': {
        const cs = children(n)
        const inner = cs.length === 2 ? this.expr(cs[1]) : null
        if (inner?.k === 'num' && this.text(cs[0]) === '-') return { at, k: 'num', v: -inner.v }
        return { at, k: 'other', text: this.text(n) }
      }
      case 'Boolean':
        return { at, k: 'bool', v: this.text(n) === 'True' }
      case 'None':
        return { at, k: 'none' }
      case 'ParenthesizedExpression': {
        const inner = children(n).filter((c) => !PUNCT.has(c.name))
        return inner.length === 1 ? this.expr(inner[0]) : { at, k: 'seq', items: inner.map((x) => this.expr(x)) }
      }
      case 'TupleExpression':
      case 'ArrayExpression':
      case 'SetExpression':
        return {
          at,
          k: 'seq',
          items: children(n)
            .filter((c) => !PUNCT.has(c.name))
            .map((x) => this.expr(x)),
        }
      case 'DictionaryExpression': {
        const cs = children(n).filter((c) => !PUNCT.has(c.name))
        const entries: [Py, Py][] = []
        for (let i = 0; i < cs.length; i++) {
          if (cs[i].name === '**') {
            i++ // a spread: its keys are not known here
            continue
          }
          if (i + 1 < cs.length) entries.push([this.expr(cs[i]), this.expr(cs[i + 1])])
          i++
        }
        return { at, k: 'dict', entries }
      }
      case 'MemberExpression': {
        const cs = children(n)
        const base = this.expr(cs[0])
        if (cs.some((c) => c.name === '['))
          return {
            at,
            k: 'sub',
            base,
            items: cs
              .slice(1)
              .filter((c) => !PUNCT.has(c.name))
              .map((x) => this.expr(x)),
          }
        const prop = cs.find((c) => c.name === 'PropertyName')
        if (!prop) return { at, k: 'other', text: this.text(n) }
        return base.k === 'name'
          ? { at, k: 'name', v: `${base.v}.${this.text(prop)}` }
          : { at, k: 'attr', base, name: this.text(prop) }
      }
      case 'BinaryExpression': {
        const cs = children(n)
        if (cs.length === 3 && this.text(cs[1]) === '|') {
          const parts = [this.expr(cs[0]), this.expr(cs[2])]
          return { at, k: 'or', items: parts.flatMap((p) => (p.k === 'or' ? p.items : [p])) }
        }
        return { at, k: 'other', text: this.text(n) }
      }
      case 'CallExpression': {
        const [fn, argList] = children(n)
        const args: Py[] = []
        const kw: Record<string, Py> = {}
        let spread = false
        const cs = argList ? children(argList).filter((c) => !['(', ')', ','].includes(c.name)) : []
        for (let i = 0; i < cs.length; i++) {
          if (cs[i].name === '*' || cs[i].name === '**') {
            spread = true
            i++
          } else if (cs[i].name === 'VariableName' && cs[i + 1]?.name === 'AssignOp') {
            if (cs[i + 2]) kw[this.text(cs[i])] = this.expr(cs[i + 2])
            i += 2
          } else args.push(this.expr(cs[i]))
        }
        return { at, k: 'call', fn: this.expr(fn), args, kw, spread }
      }
      case 'LambdaExpression': {
        const cs = children(n)
        return { at, k: 'lambda', body: this.expr(cs[cs.length - 1]) }
      }
      default:
        return { at, k: 'other', text: this.text(n) }
    }
  }

  /** `a.b.c` written as names and dots (imports and decorators are not MemberExpressions). */
  dotted(nodes: SyntaxNode[]): string {
    return nodes.map((c) => this.text(c)).join('')
  }

  importStmt(n: SyntaxNode): Stmt[] {
    const cs = children(n).filter((c) => c.name !== 'Comment')
    const at = n.from
    if (cs[0]?.name === 'from') {
      const imp = cs.findIndex((c) => c.name === 'import')
      const head = cs.slice(1, imp)
      // Leading dots are the relative level; the rest is the dotted module name.
      let level = 0
      let i = 0
      for (; i < head.length && (head[i].name === '.' || head[i].name === 'Ellipsis'); i++)
        level += this.text(head[i]).length
      const module = this.dotted(head.slice(i))
      const rest = cs.slice(imp + 1).filter((c) => !['(', ')', ','].includes(c.name))
      if (rest.some((c) => c.name === '*')) return [{ at, k: 'from', module, level, names: '*' }]
      const names: { name: string; alias: string | null }[] = []
      for (let i = 0; i < rest.length; i++) {
        if (rest[i].name !== 'VariableName') continue
        const alias = rest[i + 1]?.name === 'as' ? this.text(rest[i + 2]) : null
        names.push({ name: this.text(rest[i]), alias })
        if (alias) i += 2
      }
      return [{ at, k: 'from', module, level, names }]
    }
    // import a.b as c, d
    const out: Stmt[] = []
    let cur: SyntaxNode[] = []
    let alias: string | null = null
    const flush = () => {
      if (cur.length) out.push({ at, k: 'import', module: this.dotted(cur), alias })
      cur = []
      alias = null
    }
    for (let i = 1; i < cs.length; i++) {
      const c = cs[i]
      if (c.name === ',') flush()
      else if (c.name === 'as') {
        alias = this.text(cs[i + 1])
        i++
      } else cur.push(c)
    }
    flush()
    return out
  }

  funcDef(n: SyntaxNode, decorators: string[]): Stmt {
    const cs = children(n)
    const name = this.text(cs.find((c) => c.name === 'VariableName')!)
    const typeDef = cs.find((c) => c.name === 'TypeDef')
    const returnsNode = typeDef ? children(typeDef).find((c) => !PUNCT.has(c.name) && c.name !== '->') : undefined
    const body = cs.find((c) => c.name === 'Body')
    // A body that is one return (after an optional docstring) is read; anything else is code.
    const stmts = body ? children(body).filter((c) => !PUNCT.has(c.name)) : []
    const meaningful = stmts.filter(
      (s, i) => !(i === 0 && s.name === 'ExpressionStatement' && children(s)[0]?.name === 'String'),
    )
    const only =
      meaningful.length === 1 && meaningful[0].name === 'ReturnStatement'
        ? children(meaningful[0]).filter((c) => c.name !== 'return')
        : null
    return {
      at: n.from,
      k: 'def',
      name,
      decorators,
      returns: returnsNode ? this.expr(returnsNode) : null,
      ret: only && only.length === 1 ? this.expr(only[0]) : null,
    }
  }

  statements(nodes: SyntaxNode[], topLevel: boolean): Stmt[] {
    const out: Stmt[] = []
    for (const s of nodes) {
      switch (s.name) {
        case 'ImportStatement':
          out.push(...this.importStmt(s))
          break
        case 'AssignStatement': {
          const cs = children(s).filter((c) => c.name !== 'Comment')
          const typeDef = cs.find((c) => c.name === 'TypeDef')
          const annotationNode = typeDef ? children(typeDef).find((c) => !PUNCT.has(c.name)) : undefined
          const ops = cs.map((c, i) => (c.name === 'AssignOp' ? i : -1)).filter((i) => i >= 0)
          const value = ops.length ? this.expr(cs[ops[ops.length - 1] + 1]) : null
          // `a = b = value`: every plain name before an `=` is a target.
          const targets = [cs[0], ...ops.slice(0, -1).map((i) => cs[i + 1])].filter((c) => c?.name === 'VariableName')
          for (const t of targets)
            out.push({
              at: s.from,
              k: 'assign',
              target: this.text(t),
              annotation: annotationNode ? this.expr(annotationNode) : null,
              value,
            })
          break
        }
        case 'ClassDefinition': {
          const cs = children(s)
          const argList = cs.find((c) => c.name === 'ArgList')
          const body = cs.find((c) => c.name === 'Body')
          const bases: Py[] = []
          const kw: Record<string, Py> = {}
          const args = argList ? children(argList).filter((c) => !['(', ')', ','].includes(c.name)) : []
          for (let i = 0; i < args.length; i++) {
            if (args[i].name === 'VariableName' && args[i + 1]?.name === 'AssignOp') {
              if (args[i + 2]) kw[this.text(args[i])] = this.expr(args[i + 2])
              i += 2
            } else if (args[i].name !== '*' && args[i].name !== '**') bases.push(this.expr(args[i]))
          }
          out.push({
            at: s.from,
            k: 'class',
            name: this.text(cs.find((c) => c.name === 'VariableName')!),
            bases,
            kw,
            body: body ? this.statements(children(body), false) : [],
          })
          break
        }
        case 'DecoratedStatement': {
          const cs = children(s)
          const decorators = cs.filter((c) => c.name === 'Decorator').map((d) => this.text(d).replace(/^@/, '').trim())
          const def = cs.find((c) => c.name === 'FunctionDefinition')
          const cls = cs.find((c) => c.name === 'ClassDefinition')
          if (def) out.push(this.funcDef(def, decorators))
          else if (cls) out.push(...this.statements([cls], topLevel))
          break
        }
        case 'FunctionDefinition':
          out.push(this.funcDef(s, []))
          break
        case 'ExpressionStatement': {
          const inner = children(s).filter((c) => c.name !== 'Comment')
          if (inner.length === 1 && inner[0].name === 'CallExpression')
            out.push({ at: s.from, k: 'expr', value: this.expr(inner[0]) })
          break
        }
        // `if TYPE_CHECKING:` imports, `try: ... except ImportError:` fallbacks: their bodies count.
        case 'IfStatement':
        case 'TryStatement':
        case 'WithStatement':
          if (topLevel)
            for (const b of children(s).filter((c) => c.name === 'Body'))
              out.push(...this.statements(children(b), true))
          break
      }
    }
    return out
  }
}

/** A string annotation (`Mapped["User | None"]`) parsed as the expression it spells. */
export function parseExpression(source: string, at: number): Py {
  // Positions point into the annotation's own text; the string's offset is what a message needs.
  const fix = (p: Py): Py => {
    const q = { ...p, at } as Py
    if (q.k === 'call')
      return {
        ...q,
        fn: fix(q.fn),
        args: q.args.map(fix),
        kw: Object.fromEntries(Object.entries(q.kw).map(([k, v]) => [k, fix(v)])),
      }
    if (q.k === 'sub') return { ...q, base: fix(q.base), items: q.items.map(fix) }
    if (q.k === 'or' || q.k === 'seq') return { ...q, items: q.items.map(fix) }
    if (q.k === 'attr') return { ...q, base: fix(q.base) }
    return q
  }
  try {
    const s = parseModule(`__x__ = (${source})`, '<annotation>', '<annotation>', false).body[0]
    return s && s.k === 'assign' && s.value ? fix(s.value) : { at, k: 'other', text: source }
  } catch {
    return { at, k: 'other', text: source }
  }
}
