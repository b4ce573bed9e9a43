import { describe, expect, it } from 'vitest'
import { lineOf, parseSpec, placeProblems, splitPath } from './specText'

const JSON_TEXT = `{
  "tables": {
    "people": {
      "rows": 10,
      "fields": {
        "age": {"type": "int", "dist": {"kind": "normal", "mean": 40, "sd": -1}}
      }
    }
  }
}`

const YAML_TEXT = `tables:
  people:
    rows: 10
    fields:
      age:
        type: int
        dist:
          kind: normal
          sd: -1
`

describe('splitPath', () => {
  it('reads dotted paths, with or without the request prefix, and JSON pointers', () => {
    expect(splitPath('schema.tables.people.fields.age')).toEqual([
      'tables',
      'people',
      'fields',
      'age',
    ])
    expect(splitPath('spec.tables.t.correlations.0.rank')).toEqual([
      'tables',
      't',
      'correlations',
      0,
      'rank',
    ])
    expect(splitPath('/tables/a~1b/rows')).toEqual(['tables', 'a/b', 'rows'])
    expect(splitPath('spec')).toEqual([])
  })
})

describe('parseSpec', () => {
  it('places a server error at the line of its JSON path', () => {
    const parsed = parseSpec(JSON_TEXT, 'json')
    expect(parsed.problems).toEqual([])
    const [p] = placeProblems(
      JSON_TEXT,
      parsed,
      [{ path: 'spec.tables.people.fields.age.dist.sd', message: 'must be > 0' }],
      'server',
    )
    expect(p!.line).toBe(6)
    expect(JSON_TEXT.slice(p!.from, p!.from + 4)).toBe('"sd"')
  })

  it('places an error under an unknown key at the deepest part that exists', () => {
    const parsed = parseSpec(JSON_TEXT, 'json')
    const [p] = placeProblems(
      JSON_TEXT,
      parsed,
      [{ path: 'tables.people.fields.nope.type', message: 'x' }],
      'server',
    )
    expect(p!.line).toBe(5)
  })

  it('places the same error in YAML', () => {
    const parsed = parseSpec(YAML_TEXT, 'yaml')
    expect(parsed.problems).toEqual([])
    expect(parsed.value).toMatchObject({ tables: { people: { rows: 10 } } })
    const [p] = placeProblems(
      YAML_TEXT,
      parsed,
      [{ path: 'tables.people.fields.age.dist.sd', message: 'must be > 0' }],
      'server',
    )
    expect(p!.line).toBe(9)
  })

  it('reports syntax errors at their line', () => {
    const broken = '{\n  "tables": {\n    "a": ,\n  }\n}'
    const parsed = parseSpec(broken, 'json')
    expect(parsed.value).toBeUndefined()
    expect(parsed.problems.length).toBeGreaterThan(0)
    expect(parsed.problems[0]!.line).toBe(3)
    const yamlBroken = 'tables:\n  a: [1, 2\n'
    expect(parseSpec(yamlBroken, 'yaml').problems.length).toBeGreaterThan(0)
  })

  it('counts lines from offsets', () => {
    expect(lineOf('a\nb\nc', 0)).toBe(1)
    expect(lineOf('a\nb\nc', 4)).toBe(3)
  })
})
