import { describe, expect, it } from 'vitest'
import { ColumnSet, identityKey, identityKey1, RelatedValues } from './instance-state'
import type { Mapper } from './mapper'

describe('ColumnSet', () => {
  it('holds narrow and wide columns, in column order, and forgets what is deleted', () => {
    const c = new ColumnSet()
    for (const i of [40, 5, 30, 0, 31, 5]) c.add(i)
    expect([...c]).toEqual([0, 5, 30, 31, 40])
    expect(c.size).toBe(5)
    expect([c.has(30), c.has(31), c.has(29), c.has(41)]).toEqual([true, true, false, false])
    expect([c.next(), c.next(0), c.next(5), c.next(30), c.next(31), c.next(40)]).toEqual([0, 5, 30, 31, 40, -1])
    expect([c.delete(30), c.delete(30), c.delete(31), c.delete(99)]).toEqual([true, false, true, false])
    expect([...c]).toEqual([0, 5, 40])
    expect(c.size).toBe(3)
    for (const i of [0, 5, 40]) c.delete(i)
    expect([c.size, c.next()]).toEqual([0, -1])
  })
})

describe('RelatedValues', () => {
  it('keeps names in the order first set, as a Map does, with null and undefined told apart', () => {
    const r = new RelatedValues()
    expect([r.size, r.has('posts'), r.get('posts')]).toEqual([0, false, undefined])
    r.set('posts', [1]).set('user', null).set('profile', 'p')
    r.set('posts', [2])
    expect([...r]).toEqual([
      ['posts', [2]],
      ['user', null],
      ['profile', 'p'],
    ])
    expect([r.has('user'), r.get('user'), r.nameAt(2), r.valueAt(2)]).toEqual([true, null, 'profile', 'p'])
    expect([r.delete('user'), r.delete('user')]).toEqual([true, false])
    expect([...r].map(([k]) => k)).toEqual(['posts', 'profile'])
    r.clear()
    expect([r.size, [...r]]).toEqual([0, []])
  })
})

describe('identity keys', () => {
  const users = { index: 0 } as Mapper
  const posts = { index: 1 } as Mapper
  const far = { index: 5000 } as Mapper
  it('are equal exactly when mapper and key are, packed into a number for small integers', () => {
    expect(identityKey1(users, 5)).toBe(identityKey1(users, 5n))
    expect(identityKey1(users, 5)).toBe(identityKey(users, [5]))
    expect(identityKey1(users, 0)).toBe(identityKey1(users, -0))
    expect(typeof identityKey1(users, 5)).toBe('number')
    const distinct = [
      identityKey1(users, 5),
      identityKey1(posts, 5),
      identityKey1(users, '5'),
      identityKey1(users, 4),
      identityKey1(users, -5),
      identityKey1(users, 5.5),
      identityKey1(far, 5),
      identityKey1(users, 2 ** 50),
      identityKey(users, [5, 1]),
    ]
    expect(new Set(distinct).size).toBe(distinct.length)
    // Past the packed range numbers and bigints still meet, as strings.
    expect(identityKey1(users, 2 ** 50)).toBe(identityKey1(users, 2n ** 50n))
    expect(identityKey1(users, 2 ** 40 - 1)).toBe((2 ** 40 - 1) * 4096)
  })
})
