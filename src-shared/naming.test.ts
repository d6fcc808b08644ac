import { describe, expect, it } from 'vitest'
import { counted, plural, singular } from './naming'

describe('table and attribute names', () => {
  it('pluralizes the way English does, and singular undoes it', () => {
    const pairs: [string, string][] = [
      ['user', 'users'],
      ['city', 'cities'],
      ['day', 'days'],
      ['box', 'boxes'],
      ['class', 'classes'],
      ['address', 'addresses'],
      ['status', 'statuses'],
      ['bus', 'buses'],
      ['house', 'houses'],
      ['shelf', 'shelves'],
      ['knife', 'knives'],
      ['roof', 'roofs'],
      ['person', 'people'],
      ['sales_person', 'sales_people'],
      ['SalesPerson', 'SalesPeople'],
      ['child', 'children'],
      ['human', 'humans'],
      ['news', 'news'],
      ['series', 'series'],
      ['category', 'categories'],
    ]
    for (const [one, many] of pairs) {
      expect(plural(one), one).toBe(many)
      expect(singular(many), many).toBe(one)
    }
    // A name that is plural already stays as it is.
    expect(plural('posts')).toBe('posts')
  })
})

describe('counted', () => {
  it('says a count with its noun, singular for one', () => {
    expect(counted(1, 'change')).toBe('1 change')
    expect(counted(3, 'pending change')).toBe('3 pending changes')
    expect(counted(1200, 'row')).toBe('1,200 rows')
    expect(counted(2, 'person', 'people')).toBe('2 people')
  })
})
