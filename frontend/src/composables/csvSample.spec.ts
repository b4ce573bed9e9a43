import { describe, expect, it } from 'vitest'
import { categoricalValues, parseCsvRows } from './csvSample'

describe('csvSample', () => {
  it('parses quoted fields with commas, quotes and CRLF', () => {
    expect(parseCsvRows('a,b\r\n"x, y","say ""hi"""\r\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ])
  })

  it('finds the classes of low-cardinality columns, ignoring a cut last line', () => {
    const text = 'status,amount\ngood,10\nbad,20\ngood,30\nbad,4'
    expect(categoricalValues(text, 2)).toEqual({ status: ['bad', 'good'] })
  })
})
