import { describe, expect, it } from 'vitest'
import { compileSpecSchema, schemaErrors } from './jsonSchema'

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['tables'],
  additionalProperties: false,
  properties: {
    tables: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { rows: { type: 'integer', minimum: 0 }, kind: { enum: ['a', 'b'] } },
        additionalProperties: false,
      },
    },
  },
}

describe('schemaErrors', () => {
  const validate = compileSpecSchema(SCHEMA)

  it('names the path of each problem', () => {
    const errors = schemaErrors(validate, { tables: { t: { rows: -1, kind: 'c', extra: 1 } } })
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]))
    expect(byPath['tables.t.rows']).toMatch(/>= 0/)
    expect(byPath['tables.t.kind']).toBe('must be one of "a", "b"')
    expect(byPath['tables.t.extra']).toBe('unknown key "extra"')
  })

  it('finds nothing wrong with a valid spec', () => {
    expect(schemaErrors(validate, { tables: { t: { rows: 3 } } })).toEqual([])
  })
})
