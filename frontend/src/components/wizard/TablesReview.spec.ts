import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { NRadio, NSelect } from 'naive-ui'
import DataSource from './DataSource.vue'
import type { Dataset } from '@/api/types'

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

const REL = {
  parent_table: 'planes',
  parent_primary_key: 'tailnum',
  child_table: 'flights',
  child_foreign_key: 'tailnum',
}
// What POST /api/datasets answers for a zip of planes + flights (multi-table metadata).
const PLANES_FLIGHTS: Dataset = {
  id: 'm1',
  name: 'planes and 1 more',
  format: 'csv',
  size: 4096,
  rows: 300,
  columns: 7,
  metadata: {
    tables: {
      planes: {
        rows: 100,
        primary_key: 'tailnum',
        columns: { tailnum: { sdtype: 'id' }, year: { sdtype: 'numerical' } },
      },
      flights: {
        rows: 200,
        primary_key: null,
        columns: {
          tailnum: { sdtype: 'id' },
          carrier: { sdtype: 'categorical' },
          dep_delay: { sdtype: 'numerical' },
        },
      },
    },
    relationships: [REL],
  },
  created_at: '2026-01-01T10:00:00Z',
  updated_at: '2026-01-01T10:00:00Z',
}
const SENSOR: Dataset = {
  ...PLANES_FLIGHTS,
  id: 's1',
  name: 'sensor',
  metadata: {
    primary_key: null,
    sequence_key: null,
    sequence_index: null,
    columns: {
      device: { sdtype: 'categorical' },
      t: { sdtype: 'datetime' },
      value: { sdtype: 'numerical' },
    },
  },
}
const SYNTHS = [
  { name: 'spec', title: 'Spec', license: 'own', takes: ['single_table'], available: true },
  { name: 'par', title: 'PAR', license: 'BSL', takes: ['sequences'], available: true },
  { name: 'hma', title: 'HMA', license: 'BSL', takes: ['related_tables'], available: true },
  { name: 'auto', title: 'Auto', license: 'any', takes: ['single_table', 'sequences', 'related_tables'], available: true },
]

function server() {
  const patches: unknown[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      const path = new URL(req.url, 'http://x').pathname
      if (path === '/api/datasets') return respond([PLANES_FLIGHTS, SENSOR])
      if (path === '/api/synthesizers') return respond(SYNTHS)
      if (path === '/api/models') return respond([])
      if (req.method === 'PATCH') {
        const body = await req.json()
        patches.push(body)
        return respond(path.endsWith('m1') ? PLANES_FLIGHTS : SENSOR)
      }
      return respond({ error: { code: 'not_found', message: 'no', details: [] } }, 404)
    }),
  )
  return patches
}

const select = (w: VueWrapper, label: string) =>
  w.findAllComponents(NSelect).find((s) => s.attributes('aria-label') === label)!
const offered = (w: VueWrapper) =>
  w.findAllComponents(NRadio).map((r) => r.props('value') as string)

async function open(id: string) {
  const w = mount(DataSource, { props: { model: null } })
  await flushPromises()
  select(w, 'Earlier uploads').vm.$emit('update:value', id)
  await flushPromises()
  return w
}

describe('DataSource with related tables and sequences', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('accepts several files or a zip', async () => {
    server()
    const w = mount(DataSource, { props: { model: null } })
    await flushPromises()
    const input = w.get('[data-testid=dataset-file]').element as HTMLInputElement
    expect(input.multiple).toBe(true)
    expect(input.accept).toContain('.zip')
  })

  it('shows each table, its keys and the relationships; offers hma and auto only', async () => {
    server()
    const w = await open('m1')
    expect(w.get('[data-testid=table-planes]').text()).toContain('100 rows, 2 columns')
    expect(w.get('[data-testid=table-flights]').text()).toContain('dep_delay')
    expect(select(w, 'Primary key of planes').props('value')).toBe('tailnum')
    expect(w.get('[data-testid=relationship]').text()).toContain('planes.tailnum → flights.tailnum')
    expect(w.find('[data-testid=metadata-table]').exists()).toBe(false)
    expect(offered(w)).toEqual(['hma', 'auto'])
  })

  it('sends the multi-table PATCH shape with relationships removed and added', async () => {
    const patches = server()
    const w = await open('m1')
    await w.get('[data-testid=remove-rel-0]').trigger('click')
    expect(w.find('[data-testid=no-relationships]').exists()).toBe(true)
    select(w, 'Parent table').vm.$emit('update:value', 'planes')
    await flushPromises()
    // The parent's key is filled in from its primary key.
    expect(select(w, 'Parent key').props('value')).toBe('tailnum')
    select(w, 'Child table').vm.$emit('update:value', 'flights')
    await flushPromises()
    select(w, 'Child foreign key').vm.$emit('update:value', 'tailnum')
    await flushPromises()
    await w.get('[data-testid=add-rel]').trigger('click')
    select(w, 'Type of flights.carrier').vm.$emit('update:value', 'boolean')
    await flushPromises()
    await w
      .findAll('button')
      .find((b) => b.text() === 'Save changes')!
      .trigger('click')
    await flushPromises()
    expect(patches).toHaveLength(1)
    const sent = patches[0] as { metadata: Record<string, unknown> }
    expect(Object.keys(sent.metadata).sort()).toEqual(['relationships', 'tables'])
    expect(sent.metadata.relationships).toEqual([REL])
    const tables = sent.metadata.tables as Record<string, { columns: Record<string, unknown> }>
    expect(tables.flights!.columns.carrier).toEqual({ sdtype: 'boolean', identifier: null })
  })

  it('refuses a relationship of a table with itself', async () => {
    server()
    const w = await open('m1')
    select(w, 'Parent table').vm.$emit('update:value', 'flights')
    select(w, 'Child table').vm.$emit('update:value', 'flights')
    await flushPromises()
    expect(w.get('[data-testid=relationships]').text()).toContain('must differ')
  })

  it('a sequence key makes the table sequences: par offered and the key sent', async () => {
    const patches = server()
    const w = await open('s1')
    expect(offered(w)).toEqual(['spec', 'auto'])
    expect(select(w, 'Sequence order').props('disabled')).toBe(true)
    select(w, 'Sequence key').vm.$emit('update:value', 'device')
    await flushPromises()
    select(w, 'Sequence order').vm.$emit('update:value', 't')
    await flushPromises()
    expect(offered(w)).toEqual(['par', 'auto'])
    expect(w.get('[data-testid=data-kind]').text()).toContain('sequences')
    await w
      .findAll('button')
      .find((b) => b.text() === 'Save changes')!
      .trigger('click')
    await flushPromises()
    const sent = patches[0] as { metadata: Record<string, unknown> }
    expect(sent.metadata.sequence_key).toBe('device')
    expect(sent.metadata.sequence_index).toBe('t')
  })
})
