import { describe, expect, it } from 'vitest'
import { encodeCell, encodeRowsInPlace } from './values'

describe('encodeCell', () => {
  it('turns driver values into cells the bridge carries', () => {
    expect(encodeCell(undefined)).toBeNull()
    expect(encodeCell(12n)).toEqual({ $bigint: '12' })
    expect(encodeCell(Buffer.from([0xca, 0xfe]))).toEqual({ $blob: 'cafe' })
    expect(encodeCell(Number.NaN)).toBe('NaN')
    expect(encodeCell({ a: 1 })).toBe('{"a":1}')
  })

  it('leaves values that already are cells as they are (a blob or big integer the user typed)', () => {
    expect(encodeCell({ $blob: 'cafe' })).toEqual({ $blob: 'cafe' })
    expect(encodeCell({ $bigint: '9007199254740993' })).toEqual({ $bigint: '9007199254740993' })
    expect(encodeCell({ $blob: 'cafe', other: 1 })).toBe('{"$blob":"cafe","other":1}')
  })

  it('makes the rows of a result cells in the arrays the driver made, without copying them', () => {
    const row = [1, 5n, Buffer.from([1]), undefined, 'x']
    const rows = encodeRowsInPlace([row])
    expect(rows[0]).toBe(row)
    expect(row).toEqual([1, { $bigint: '5' }, { $blob: '01' }, null, 'x'])
  })
})
