import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { effectScope } from 'vue'
import { useSchemaDraft } from './useSchemaDraft'
import PUBLISHED from './__fixtures__/spec-jsonschema.json'

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

describe('useSchemaDraft', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('shows the server’s errors at their line, and syntax errors without asking it', async () => {
    vi.useFakeTimers()
    const validate = vi.fn(async (req: Request) => {
      const { spec } = (await req.json()) as { spec: { tables: { p: { rows: number } } } }
      return spec.tables.p.rows < 0
        ? respond({
            valid: false,
            errors: [{ path: 'spec.tables.p.rows', message: 'must be >= 0' }],
            tables: {},
          })
        : respond({ valid: true, errors: [], tables: { p: spec.tables.p.rows } })
    })
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: Request) => {
        if (input.url.endsWith('/api/schemas/jsonschema')) return respond({ type: 'object' })
        return validate(input)
      }),
    )
    const scope = effectScope()
    const draft = scope.run(() => useSchemaDraft(100))!
    await vi.runAllTimersAsync()
    await flushPromises()
    expect(draft.problems.value).toEqual([])

    draft.text.value = '{\n  "tables": {\n    "p": {\n      "rows": -5\n    }\n  }\n}'
    await vi.advanceTimersByTimeAsync(150)
    await flushPromises()
    expect(draft.problems.value).toHaveLength(1)
    expect(draft.problems.value[0]).toMatchObject({
      line: 4,
      path: 'tables.p.rows',
      message: 'must be >= 0',
    })

    const calls = validate.mock.calls.length
    draft.text.value = '{ "tables": '
    await vi.advanceTimersByTimeAsync(150)
    await flushPromises()
    expect(validate.mock.calls.length).toBe(calls)
    expect(draft.problems.value[0]!.source).toBe('syntax')

    draft.text.value = '{"tables": {"p": {"rows": 7}}}'
    await vi.advanceTimersByTimeAsync(150)
    await flushPromises()
    expect(draft.problems.value).toEqual([])
    expect(draft.checkedTables.value).toEqual({ p: 7 })
    scope.stop()
  })

  it('converts the text when switching between JSON and YAML', () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond({ valid: true, errors: [], tables: {} })),
    )
    const scope = effectScope()
    const draft = scope.run(() => useSchemaDraft())!
    draft.setLanguage('yaml')
    expect(draft.text.value).toContain('tables:\n  people:')
    draft.setLanguage('json')
    expect(JSON.parse(draft.text.value).tables.people.rows).toBe(1000)
    scope.stop()
  })
  it('checks against the published schema alone while the server cannot answer', async () => {
    vi.useFakeTimers()
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: Request) =>
        input.url.endsWith('/api/schemas/jsonschema')
          ? respond(PUBLISHED)
          : respond({ error: { code: 'server_error', message: 'down', details: [] } }, 503),
      ),
    )
    const scope = effectScope()
    const draft = scope.run(() => useSchemaDraft(100))!
    await vi.runAllTimersAsync()
    await flushPromises()
    // The example has a normal, a lognormal and a category: nothing from the other branches.
    expect(draft.serverChecked.value).toBe(false)
    expect(draft.problems.value).toEqual([])

    const spec = JSON.parse(draft.text.value)
    spec.tables.people.fields.age.dist.sd = -12
    draft.text.value = JSON.stringify(spec, null, 2)
    await vi.advanceTimersByTimeAsync(150)
    await flushPromises()
    expect(draft.problems.value).toHaveLength(1)
    expect(draft.problems.value[0]).toMatchObject({
      path: 'tables.people.fields.age.dist.sd',
      message: 'must be > 0',
      source: 'jsonschema',
    })
    const line = draft.text.value.split('\n')[draft.problems.value[0]!.line - 1]
    expect(line).toContain('"sd": -12')
    scope.stop()
  })
})
