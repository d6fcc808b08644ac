import { describe, expect, it } from 'vitest'
import type { InstanceState } from './instance-state'
import { InsertedLog } from './session-bookkeeping'

// The log only keeps references: plain objects stand in for states.
const states = (n: number) => Array.from({ length: n }, (_, i) => ({ i }) as unknown as InstanceState)

describe('InsertedLog', () => {
  it("keeps flushes' rows in order, each once", () => {
    const log = new InsertedLog()
    const [a, b, c] = states(3)
    log.addAll([a, b])
    log.addAll([])
    log.addAll([c, a])
    expect(log.values()).toEqual([a, b, c])
    log.clear()
    expect(log.values()).toEqual([])
  })

  it('takes one out, and goes on taking flushes after', () => {
    const log = new InsertedLog()
    const [a, b, c, d] = states(4)
    log.addAll([a, b, c])
    expect(log.delete(b)).toBe(true)
    expect(log.delete(b)).toBe(false)
    log.addAll([d])
    expect(log.values()).toEqual([a, c, d])
    log.clear()
    log.addAll([b])
    expect(log.values()).toEqual([b])
  })
})
