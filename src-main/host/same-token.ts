import { timingSafeEqual } from 'node:crypto'

/** Compare a presented token with this run's in constant time (no early exit on the first wrong byte). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
