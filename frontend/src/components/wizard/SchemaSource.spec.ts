import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { defineComponent, effectScope, h, type EffectScope } from 'vue'
import { NInput, NMessageProvider, NSelect } from 'naive-ui'
import SchemaSource from './SchemaSource.vue'
import { useSchemaDraft } from '@/composables/useSchemaDraft'
import type { SavedSchema } from '@/api/types'

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

const ORDERS: SavedSchema = {
  id: 's1',
  name: 'orders',
  description: '',
  spec: { tables: { orders: { rows: 50, fields: { id: { type: 'id' } } } } },
  created_at: '2026-01-01T10:00:00Z',
  updated_at: '2026-01-01T10:00:00Z',
}

/** Saved schemas, a permissive JSON Schema and validation; writes are recorded. */
function server() {
  const writes: { method: string; path: string; body: unknown }[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      const path = new URL(req.url, 'http://x').pathname
      if (path === '/api/schemas/jsonschema') return respond({ type: 'object' })
      if (path === '/api/schemas/validate') return respond({ valid: true, errors: [], tables: {} })
      if (req.method === 'GET' && path === '/api/schemas') return respond([ORDERS])
      const body = await req.json()
      writes.push({ method: req.method, path, body })
      return respond({ ...ORDERS, ...body, id: req.method === 'POST' ? 's2' : ORDERS.id })
    }),
  )
  return writes
}

let scope: EffectScope | null = null

async function mountSource(): Promise<{
  w: VueWrapper
  draft: ReturnType<typeof useSchemaDraft>
}> {
  scope = effectScope()
  const draft = scope.run(() => useSchemaDraft(10))!
  const Shell = defineComponent({
    render: () => h(NMessageProvider, () => h(SchemaSource, { draft })),
  })
  const w = mount(Shell, { attachTo: document.body })
  await flushPromises()
  return { w, draft }
}

async function openFile(w: VueWrapper, file: File): Promise<void> {
  const input = w.get('[data-testid=schema-file]')
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
  await flushPromises()
}

function savedSelect(w: VueWrapper) {
  return w
    .findAllComponents(NSelect)
    .find((s) => s.attributes('aria-label') === 'Open a saved schema')!
}

function nameInput(w: VueWrapper) {
  return w.findComponent(NInput)
}

describe('SchemaSource', () => {
  afterEach(() => {
    scope?.stop()
    scope = null
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('opens a YAML file in the editor as YAML', async () => {
    server()
    const { w, draft } = await mountSource()
    const text = 'tables:\n  visits:\n    rows: 5\n    fields:\n      id: {type: id}\n'
    await openFile(w, new File([text], 'visits.yaml', { type: 'application/yaml' }))
    expect(draft.language.value).toBe('yaml')
    expect(draft.text.value).toBe(text)
    expect(draft.value.value).toEqual({
      tables: { visits: { rows: 5, fields: { id: { type: 'id' } } } },
    })
    expect(w.get('[data-testid=lang-yaml] input').element).toHaveProperty('checked', true)
    expect(document.body.querySelector('.cm-content')?.textContent).toContain('visits:')
    w.unmount()
  })

  it('opens a JSON file and warns when it has syntax errors, marking them', async () => {
    server()
    const { w, draft } = await mountSource()
    await openFile(w, new File(['{"tables": {'], 'broken.json'))
    expect(draft.language.value).toBe('json')
    expect(draft.text.value).toBe('{"tables": {')
    expect(document.body.textContent).toContain('broken.json has syntax errors (marked below)')
    expect(w.findAll('[data-testid=schema-problem]').length).toBeGreaterThan(0)
    w.unmount()
  })

  it('opens a saved schema and saves it back in place', async () => {
    const writes = server()
    const { w, draft } = await mountSource()
    expect(savedSelect(w).props('options')).toEqual([{ label: 'orders', value: 's1' }])
    savedSelect(w).vm.$emit('update:value', 's1')
    await flushPromises()
    expect(JSON.parse(draft.text.value)).toEqual(ORDERS.spec)
    expect(nameInput(w).props('value')).toBe('orders')
    expect(savedSelect(w).props('value')).toBe('s1')

    await w
      .findAll('button')
      .find((b) => b.text() === 'Save')!
      .trigger('click')
    await flushPromises()
    expect(writes).toEqual([
      {
        method: 'PUT',
        path: '/api/schemas/s1',
        body: { name: 'orders', description: '', spec: ORDERS.spec },
      },
    ])
    w.unmount()
  })

  it('saves a file opened over a saved schema as a new one, named after the file', async () => {
    const writes = server()
    const { w, draft } = await mountSource()
    savedSelect(w).vm.$emit('update:value', 's1')
    await flushPromises()
    await openFile(w, new File(['{"tables": {"t": {"rows": 1}}}'], 'shop.json'))
    expect(savedSelect(w).props('value')).toBeNull()
    expect(nameInput(w).props('value')).toBe('shop')
    expect(draft.value.value).toEqual({ tables: { t: { rows: 1 } } })

    await w
      .findAll('button')
      .find((b) => b.text() === 'Save')!
      .trigger('click')
    await flushPromises()
    expect(writes).toEqual([
      {
        method: 'POST',
        path: '/api/schemas',
        body: { name: 'shop', description: '', spec: { tables: { t: { rows: 1 } } } },
      },
    ])
    w.unmount()
  })
})
