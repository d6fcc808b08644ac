import { AppError } from '../../src-shared/errors'

/**
 * PostgreSQL's isolation tester spec language, as its scanner and grammar read it
 * (src/test/isolation/specscanner.l and specparse.y): setup blocks, one teardown, sessions with
 * an optional setup, steps and an optional teardown, and permutations whose steps may carry
 * blocker annotations: `(*)`, `(otherstep)` and `(otherstep notices N)`.
 */

export type Blocker =
  { kind: 'once' } | { kind: 'step'; step: string } | { kind: 'notices'; step: string; count: number }

export interface IsolationSpec {
  setup: string[]
  teardown: string[]
  sessions: { name: string; setup: string[]; teardown: string[]; steps: { name: string; sql: string }[] }[]
  /** Step names in order. */
  permutations: string[][]
  /** The blocker annotations of each permutation's steps, parallel to `permutations`. */
  blockers?: Blocker[][][]
}

type Tok = { kind: 'ident' | 'keyword' | 'sql' | 'int' | 'punct'; text: string; line: number }

const KEYWORDS = new Set(['notices', 'permutation', 'session', 'setup', 'step', 'teardown'])

/**
 * The scanner: identifiers and "quoted" identifiers, integers, `( ) , *`, `#` comments, and
 * `{ ... }` SQL blocks whose text runs to the first `}` with the spaces and tabs just inside the
 * braces trimmed (newlines kept), as PostgreSQL's scanner does. Every branch consumes input, so a
 * stray character is an error, never a loop.
 */
function tokenize(src: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  let line = 1
  const n = src.length
  const fail = (what: string): never => {
    throw new AppError('BAD_REQUEST', `Spec, line ${line}: ${what}`)
  }
  while (i < n) {
    const c = src[i]
    if (c === '\n') {
      line++
      i++
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') i++
    else if (c === '#') while (i < n && src[i] !== '\n') i++
    else if (c === '{') {
      const start = line
      let j = i + 1
      while (j < n && /[ \t\r\f]/.test(src[j])) j++
      const end = src.indexOf('}', j)
      if (end < 0) {
        line = start
        fail('a { block is not closed')
      }
      let k = end
      while (k > j && /[ \t\r\f]/.test(src[k - 1])) k--
      const text = src.slice(j, k)
      out.push({ kind: 'sql', text, line: start })
      for (const ch of src.slice(i, end)) if (ch === '\n') line++
      i = end + 1
    } else if (c === '"') {
      let j = i + 1
      let text = ''
      for (;;) {
        if (j >= n) fail('a "quoted name" is not closed')
        if (src[j] === '"') {
          if (src[j + 1] === '"') {
            text += '"'
            j += 2
            continue
          }
          break
        }
        if (src[j] === '\n') line++
        text += src[j++]
      }
      out.push({ kind: 'ident', text, line })
      i = j + 1
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < n && /[A-Za-z0-9_]/.test(src[j])) j++
      const word = src.slice(i, j)
      out.push({ kind: KEYWORDS.has(word) ? 'keyword' : 'ident', text: word, line })
      i = j
    } else if (/[0-9]/.test(c)) {
      let j = i + 1
      while (j < n && /[0-9]/.test(src[j])) j++
      out.push({ kind: 'int', text: src.slice(i, j), line })
      i = j
    } else if ('(),*'.includes(c)) {
      out.push({ kind: 'punct', text: c, line })
      i++
    } else fail(`unexpected character ${JSON.stringify(c)}`)
  }
  return out
}

export function parseSpec(src: string): IsolationSpec {
  const spec = new SpecParser(tokenize(src)).spec()
  checkReferences(spec)
  return spec
}

type Session = IsolationSpec['sessions'][number]

/** A recursive-descent reader over the tokens, in the grammar of PostgreSQL's specparse.y. */
class SpecParser {
  private p = 0
  constructor(private readonly t: Tok[]) {}

  private peek(): Tok | undefined {
    return this.t[this.p]
  }

  private fail(what: string): never {
    const line = this.peek()?.line ?? this.t[this.t.length - 1]?.line ?? 1
    throw new AppError('BAD_REQUEST', `Spec, line ${line}: ${what}`)
  }

  /** Consumes the keyword when it is next. */
  private keyword(w: string): boolean {
    const tok = this.peek()
    if (tok?.kind !== 'keyword' || tok.text !== w) return false
    this.p++
    return true
  }

  /** Consumes the punctuation when it is next. */
  private punct(c: string): boolean {
    const tok = this.peek()
    if (tok?.kind !== 'punct' || tok.text !== c) return false
    this.p++
    return true
  }

  private sql(after: string): string {
    const tok = this.peek()
    if (tok?.kind !== 'sql') this.fail(`expected { ... } after ${after}`)
    this.p++
    return tok.text
  }

  private ident(what: string): string {
    const tok = this.peek()
    if (tok?.kind !== 'ident') this.fail(`expected ${what}${tok ? `, found ${tok.text}` : ''}`)
    this.p++
    return tok.text
  }

  spec(): IsolationSpec {
    const spec: IsolationSpec = { setup: [], teardown: [], sessions: [], permutations: [], blockers: [] }
    while (this.keyword('setup')) spec.setup.push(this.sql('setup'))
    if (this.keyword('teardown')) spec.teardown.push(this.sql('teardown'))
    while (this.keyword('session')) spec.sessions.push(this.session())
    if (!spec.sessions.length) this.fail('a spec needs at least one session')
    while (this.keyword('permutation')) {
      const names: string[] = []
      const blockers: Blocker[][] = []
      while (this.peek()?.kind === 'ident') {
        names.push(this.ident('a step name'))
        blockers.push(this.punct('(') ? this.blockerList() : [])
      }
      if (!names.length) this.fail('a permutation names no steps')
      spec.permutations.push(names)
      spec.blockers!.push(blockers)
    }
    const rest = this.peek()
    if (rest) this.fail(`unexpected ${rest.kind === 'sql' ? '{ block' : rest.text}`)
    return spec
  }

  private session(): Session {
    const s: Session = { name: this.ident('a session name'), setup: [], teardown: [], steps: [] }
    if (this.keyword('setup')) s.setup.push(this.sql('setup'))
    while (this.keyword('step')) {
      const name = this.ident('a step name')
      s.steps.push({ name, sql: this.sql(`step ${name}`) })
    }
    if (!s.steps.length) this.fail(`session ${s.name} has no steps`)
    if (this.keyword('teardown')) s.teardown.push(this.sql('teardown'))
    return s
  }

  /** `( * | step | step notices N , ... )`, after its opening parenthesis. */
  private blockerList(): Blocker[] {
    const bs: Blocker[] = []
    for (;;) {
      if (this.punct('*')) bs.push({ kind: 'once' })
      else {
        const step = this.ident('a step name or * in the blocker list')
        if (this.keyword('notices')) {
          const count = this.peek()
          if (count?.kind !== 'int') this.fail('expected a number after notices')
          this.p++
          bs.push({ kind: 'notices', step, count: Number(count.text) })
        } else bs.push({ kind: 'step', step })
      }
      if (this.punct(',')) continue
      if (this.punct(')')) return bs
      this.fail('expected , or ) in the blocker list')
    }
  }
}

/** Every step named once; permutations name known steps and block only on other sessions' steps. */
function checkReferences(spec: IsolationSpec): void {
  const sessionOfStep = new Map<string, string>()
  for (const s of spec.sessions)
    for (const st of s.steps) {
      if (sessionOfStep.has(st.name)) throw new AppError('BAD_REQUEST', `Spec: duplicate step name: ${st.name}`)
      sessionOfStep.set(st.name, s.name)
    }
  spec.permutations.forEach((perm, i) => {
    perm.forEach((st, j) => {
      if (!sessionOfStep.has(st)) throw new AppError('BAD_REQUEST', `Spec: permutation names an unknown step ${st}`)
      for (const b of spec.blockers![i][j]) {
        if (b.kind === 'once') continue
        if (!sessionOfStep.has(b.step))
          throw new AppError(
            'BAD_REQUEST',
            `Spec: undefined blocking step "${b.step}" referenced in permutation step "${st}"`,
          )
        if (b.step === st)
          throw new AppError('BAD_REQUEST', `Spec: permutation step "${st}" cannot block on its own session`)
        if (b.kind === 'step' && sessionOfStep.get(b.step) === sessionOfStep.get(st))
          throw new AppError('BAD_REQUEST', `Spec: permutation step "${st}" cannot block on its own session`)
      }
    })
  })
}

/** Step names no permutation uses, in the order the tester warns about them (on stderr). */
export function unusedSteps(spec: IsolationSpec): string[] {
  if (!spec.permutations.length) return []
  const used = new Set(spec.permutations.flat())
  // The tester sorts its steps by name (strcmp) before it looks for unused ones.
  return spec.sessions
    .flatMap((s) => s.steps.map((st) => st.name))
    .filter((n) => !used.has(n))
    .sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0))
}

/** Every interleaving keeping each session's order, in the isolation tester's order. */
export function allPermutations(spec: IsolationSpec, limit = Number.POSITIVE_INFINITY): string[][] {
  const out: string[][] = []
  const pos = spec.sessions.map(() => 0)
  const total = spec.sessions.reduce((a, s) => a + s.steps.length, 0)
  const cur: string[] = []
  const walk = () => {
    if (out.length >= limit) return
    if (cur.length === total) {
      out.push([...cur])
      return
    }
    spec.sessions.forEach((s, i) => {
      if (pos[i] >= s.steps.length) return
      cur.push(s.steps[pos[i]].name)
      pos[i]++
      walk()
      pos[i]--
      cur.pop()
    })
  }
  walk()
  return out
}

/** A spec written back out (a console session saved as a spec uses this too). */
export function formatSpec(spec: IsolationSpec): string {
  const q = (s: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !KEYWORDS.has(s) ? s : `"${s.replaceAll('"', '""')}"`)
  const lines: string[] = []
  // Blocks keep their text exactly: the tester trims only the spaces just inside the braces.
  for (const s of spec.setup) lines.push(`setup { ${s} }\n`)
  for (const s of spec.teardown) lines.push(`teardown { ${s} }\n`)
  for (const s of spec.sessions) {
    lines.push(`session ${q(s.name)}`)
    for (const x of s.setup) lines.push(`setup\t{ ${x} }`)
    for (const st of s.steps) lines.push(`step ${q(st.name)}\t{ ${st.sql} }`)
    for (const x of s.teardown) lines.push(`teardown\t{ ${x} }`)
    lines.push('')
  }
  spec.permutations.forEach((p, i) => {
    const marks = (j: number) => {
      const bs = spec.blockers?.[i]?.[j] ?? []
      return bs.length
        ? `(${bs.map((b) => (b.kind === 'once' ? '*' : b.kind === 'step' ? q(b.step) : `${q(b.step)} notices ${b.count}`)).join(', ')})`
        : ''
    }
    lines.push(`permutation ${p.map((s, j) => `${q(s)}${marks(j)}`).join(' ')}`)
  })
  return lines.join('\n') + '\n'
}
