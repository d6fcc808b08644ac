import { AppError } from '../../src-shared/errors'

/** PostgreSQL's isolation tester spec: setup, teardown, sessions with steps, permutations. */
export interface IsolationSpec {
  setup: string[]
  teardown: string[]
  sessions: { name: string; setup: string[]; teardown: string[]; steps: { name: string; sql: string }[] }[]
  /** Step names in order; markers in parentheses are kept as written but not interpreted. */
  permutations: string[][]
}

type Tok = { kind: 'word' | 'block' | 'lparen' | 'rparen'; text: string }

function tokenize(src: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  const n = src.length
  while (i < n) {
    const c = src[i]
    if (/\s/.test(c)) i++
    else if (c === '#') while (i < n && src[i] !== '\n') i++
    else if (c === '{') {
      const end = src.indexOf('}', i + 1)
      if (end < 0) throw new AppError('BAD_REQUEST', 'Spec: a { block is not closed')
      out.push({ kind: 'block', text: src.slice(i + 1, end).trim() })
      i = end + 1
    } else if (c === '"') {
      let j = i + 1
      let text = ''
      while (j < n && !(src[j] === '"' && src[j + 1] !== '"')) {
        if (src[j] === '"') j++
        text += src[j++]
      }
      out.push({ kind: 'word', text })
      i = j + 1
    } else if (c === '(') {
      const end = src.indexOf(')', i)
      out.push({ kind: 'lparen', text: src.slice(i + 1, end < 0 ? n : end) })
      i = end < 0 ? n : end + 1
    } else {
      let j = i
      while (j < n && !/[\s{}()#"]/.test(src[j])) j++
      out.push({ kind: 'word', text: src.slice(i, j) })
      i = j
    }
  }
  return out
}

export function parseSpec(src: string): IsolationSpec {
  const t = tokenize(src)
  let p = 0
  const spec: IsolationSpec = { setup: [], teardown: [], sessions: [], permutations: [] }
  const block = (what: string) => {
    const tok = t[p++]
    if (tok?.kind !== 'block') throw new AppError('BAD_REQUEST', `Spec: expected { ... } after ${what}`)
    return tok.text
  }
  while (p < t.length) {
    const tok = t[p++]
    if (tok.kind !== 'word') throw new AppError('BAD_REQUEST', `Spec: unexpected ${tok.kind === 'block' ? '{ block' : tok.text}`)
    if (tok.text === 'setup') spec.setup.push(block('setup'))
    else if (tok.text === 'teardown') spec.teardown.push(block('teardown'))
    else if (tok.text === 'session') {
      const name = t[p++]?.text
      const s = { name, setup: [] as string[], teardown: [] as string[], steps: [] as { name: string; sql: string }[] }
      while (p < t.length && t[p].kind === 'word' && ['setup', 'teardown', 'step'].includes(t[p].text)) {
        const kw = t[p++].text
        if (kw === 'step') s.steps.push({ name: t[p++].text, sql: block(`step`) })
        else (kw === 'setup' ? s.setup : s.teardown).push(block(kw))
      }
      spec.sessions.push(s)
    } else if (tok.text === 'permutation') {
      const perm: string[] = []
      while (p < t.length && (t[p].kind === 'lparen' || (t[p].kind === 'word' && !['setup', 'teardown', 'session', 'permutation'].includes(t[p].text)))) {
        if (t[p].kind === 'word') perm.push(t[p].text)
        p++
      }
      spec.permutations.push(perm)
    } else throw new AppError('BAD_REQUEST', `Spec: unexpected "${tok.text}"`)
  }
  const names = new Set<string>()
  for (const s of spec.sessions) for (const st of s.steps) {
    if (names.has(st.name)) throw new AppError('BAD_REQUEST', `Spec: step name ${st.name} is used twice`)
    names.add(st.name)
  }
  for (const perm of spec.permutations) for (const st of perm) if (!names.has(st)) throw new AppError('BAD_REQUEST', `Spec: permutation names an unknown step ${st}`)
  return spec
}

/** Every interleaving keeping each session's order, in the isolation tester's order. */
export function allPermutations(spec: IsolationSpec, limit = 1000): string[][] {
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
  const q = (s: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !['setup', 'teardown', 'session', 'step', 'permutation'].includes(s) ? s : `"${s.replaceAll('"', '""')}"`)
  const lines: string[] = []
  for (const s of spec.setup) lines.push(`setup\n{\n  ${s}\n}\n`)
  for (const s of spec.teardown) lines.push(`teardown\n{\n  ${s}\n}\n`)
  for (const s of spec.sessions) {
    lines.push(`session ${q(s.name)}`)
    for (const x of s.setup) lines.push(`setup\t{ ${x} }`)
    for (const st of s.steps) lines.push(`step ${q(st.name)}\t{ ${st.sql} }`)
    for (const x of s.teardown) lines.push(`teardown\t{ ${x} }`)
    lines.push('')
  }
  for (const p of spec.permutations) lines.push(`permutation ${p.map(q).join(' ')}`)
  return lines.join('\n') + '\n'
}
