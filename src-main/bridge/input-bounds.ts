import { AppError } from '../../src-shared/errors'

/**
 * Bounds on what one request may carry, checked before zod sees it: zod's parsers recurse, so an
 * input nested a few thousand deep overflowed the stack outside any handler (the host died), and
 * a worker's structured clone of a deep `params` array wedged a SQLite connection. Nothing the
 * renderer sends legitimately nests deeper than a few dozen levels (a filter of groups, a model).
 */
export const MAX_INPUT_DEPTH = 128
/** Values (objects, arrays and scalars) in one input; a 1,000-table model is about 200,000. */
export const MAX_INPUT_NODES = 5_000_000

/**
 * The bracket depth of a JSON text, found by one pass over its characters (strings skipped), so a
 * message can be refused before JSON.parse spends seconds building a pathological value.
 */
export function jsonTextDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) max = depth
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--
  }
  return max
}

/** Refuses a value nested deeper than MAX_INPUT_DEPTH or larger than MAX_INPUT_NODES, iteratively. */
export function checkInputBounds(value: unknown): void {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }]
  let nodes = 0
  while (stack.length) {
    const { v, d } = stack.pop()!
    if (++nodes > MAX_INPUT_NODES)
      throw new AppError('BAD_REQUEST', `Input too large: more than ${MAX_INPUT_NODES.toLocaleString('en')} values`)
    if (v === null || typeof v !== 'object') continue
    if (d >= MAX_INPUT_DEPTH)
      throw new AppError('BAD_REQUEST', `Input nested too deeply: more than ${MAX_INPUT_DEPTH} levels`)
    if (Array.isArray(v)) for (const x of v) stack.push({ v: x, d: d + 1 })
    else for (const k in v) if (Object.hasOwn(v, k)) stack.push({ v: (v as Record<string, unknown>)[k], d: d + 1 })
  }
}
