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

// The schema GET /api/schemas/jsonschema publishes (Pydantic's, with tagged unions carrying a
// `discriminator.mapping`); tests/dashboard/test_spec_schema_fixture.py keeps it current.
import PUBLISHED from './__fixtures__/spec-jsonschema.json'

const VALID = {
  tables: {
    sensors: {
      rows: 20,
      fields: {
        id: { type: 'id' },
        installed_at: { type: 'datetime', start: '2024-01-01', end: '2024-06-30' },
        site: { type: 'category', values: { north: 0.5, south: 0.3, east: 0.2 } },
        height: { type: 'float', dist: { kind: 'normal', mean: 12, sd: 3 }, min: 0 },
        price: { type: 'money', dist: { kind: 'lognormal', mu: 3, sigma: 0.5 } },
      },
    },
    readings: {
      parent: 'sensors',
      series: {
        length: { dist: { kind: 'poisson', lam: 50 }, min: 10, max: 500 },
        start: 'parent.installed_at',
        every: '10s',
        jitter: '1s',
      },
      fields: {
        sensor_id: { type: 'foreign_key', table: 'sensors' },
        temperature: {
          type: 'float',
          precision: 2,
          signal: { level: 21, noise: { sd: 0.05 } },
        },
      },
    },
  },
}

function withField(name: string, field: unknown): unknown {
  const spec = structuredClone(VALID) as {
    tables: { sensors: { fields: Record<string, unknown> } }
  }
  spec.tables.sensors.fields[name] = field
  return spec
}

describe('the published spec schema', () => {
  const validate = compileSpecSchema(PUBLISHED)
  const HEIGHT = 'tables.sensors.fields.height'

  it('says nothing about a valid normal dist when something else is wrong', () => {
    // Checked branch by branch (Ajv without the discriminator), `mean` is unknown to `uniform`.
    const spec = withField('site', { type: 'category', values: { a: 1 }, nulls: 2 })
    expect(schemaErrors(validate, spec)).toEqual([
      { path: 'tables.sensors.fields.site.nulls', message: 'must be <= 1' },
    ])
  })

  it('finds nothing wrong with a valid spec of many field types and a series', () => {
    expect(schemaErrors(validate, VALID)).toEqual([])
  })

  it('places a negative sd at the dist, and only there', () => {
    const spec = withField('height', { type: 'float', dist: { kind: 'normal', mean: 1, sd: -1 } })
    expect(schemaErrors(validate, spec)).toEqual([
      { path: `${HEIGHT}.dist.sd`, message: 'must be > 0' },
    ])
  })

  it('names an unknown key of the branch the kind names', () => {
    const spec = withField('height', {
      type: 'float',
      dist: { kind: 'normal', mean: 1, sd: 2, spread: 3 },
    })
    expect(schemaErrors(validate, spec)).toEqual([
      { path: `${HEIGHT}.dist.spread`, message: 'unknown key "spread"' },
    ])
  })

  it('names an unknown key of a field', () => {
    const spec = withField('site', { type: 'category', values: { a: 1 }, colour: 'red' })
    expect(schemaErrors(validate, spec)).toEqual([
      { path: 'tables.sensors.fields.site.colour', message: 'unknown key "colour"' },
    ])
  })

  it('names an unknown kind or type at its tag', () => {
    expect(
      schemaErrors(validate, withField('height', { type: 'float', dist: { kind: 'norm' } })),
    ).toEqual([{ path: `${HEIGHT}.dist.kind`, message: 'unknown kind "norm"' }])
    expect(schemaErrors(validate, withField('height', { type: 'floaty' }))).toEqual([
      { path: `${HEIGHT}.type`, message: 'unknown type "floaty"' },
    ])
    expect(schemaErrors(validate, withField('height', { dist: { kind: 'normal' } }))).toEqual([
      { path: HEIGHT, message: 'must have a "type" (text)' },
    ])
  })

  it('rejects a dist that is not an object', () => {
    expect(schemaErrors(validate, withField('height', { type: 'float', dist: 'normal' }))).toEqual([
      { path: `${HEIGHT}.dist`, message: 'must be object' },
    ])
  })

  it('checks a series and the dists nested in it', () => {
    const spec = structuredClone(VALID) as typeof VALID
    ;(spec.tables.readings.series.length.dist as Record<string, unknown>).lam = 'many'
    ;(spec.tables.readings.series as Record<string, unknown>).every = undefined
    delete (spec.tables.readings.series as Record<string, unknown>).every
    const byPath = Object.fromEntries(schemaErrors(validate, spec).map((e) => [e.path, e.message]))
    expect(byPath).toEqual({
      'tables.readings.series': "must have required property 'every'",
      'tables.readings.series.length.dist.lam': 'must be number',
    })
  })
})
