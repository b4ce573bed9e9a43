import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import DownloadPanel from './DownloadPanel.vue'
import PreviewTable from './PreviewTable.vue'
import type { Job } from '@/api/types'

const job = {
  id: 'j1',
  status: 'succeeded',
  format: 'csv',
  tables: { patients: { rows: 10 }, visits: { rows: 25 } },
  artifacts: [
    {
      id: 'a2',
      table: 'visits',
      format: 'csv',
      rows: 25,
      size: 2048,
      sha256: 'ff'.repeat(32),
      created_at: '',
      url: '/api/download/j1?format=csv&table=visits',
    },
    {
      id: 'a1',
      table: 'patients',
      format: 'csv',
      rows: 10,
      size: 512,
      sha256: 'aa'.repeat(32),
      created_at: '',
      url: '/api/download/j1?format=csv&table=patients',
    },
  ],
} as unknown as Job

describe('DownloadPanel', () => {
  it('asks to acknowledge a high privacy risk before downloading (warn gate)', async () => {
    const gated = {
      ...job,
      privacy: { mode: 'warn', verdict: 'high', passed: false, reason: 'High risk: members.' },
    } as unknown as Job
    const w = mount(DownloadPanel, { props: { job: gated } })
    expect(w.get('[data-testid=privacy-gate]').text()).toContain('High risk: members.')
    await w.get('[data-testid=privacy-acknowledge]').trigger('click')
    const link = w.get('[data-testid=download-patients-csv]')
    expect(link.attributes('href')).toContain('acknowledge_privacy_risk=1')
  })

  it('shows the reason when the block gate refuses the files', () => {
    const gated = {
      ...job,
      privacy: { mode: 'block', verdict: 'high', passed: false, reason: 'High risk: members.' },
    } as unknown as Job
    const w = mount(DownloadPanel, { props: { job: gated } })
    expect(w.get('[data-testid=privacy-gate]').text()).toContain('refused')
    expect(w.find('[data-testid=privacy-acknowledge]').exists()).toBe(false)
  })

  it('offers each table’s file and the other formats, converted on request', () => {
    const w = mount(DownloadPanel, { props: { job } })
    const link = w.get('[data-testid=download-patients-csv]')
    expect(link.attributes('href')).toBe('/api/download/j1?format=csv&table=patients')
    expect(w.text()).toContain('2.0 KB')
    expect(w.get('[data-testid=convert-visits-parquet]').attributes('href')).toBe(
      '/api/download/j1?format=parquet&table=visits',
    )
    expect(w.find('[data-testid=convert-visits-csv]').exists()).toBe(false)
  })
})

describe('PreviewTable', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('asks for the chosen table and shows its rows', async () => {
    const fetchMock = vi.fn(async (req: Request) => {
      const table = new URL(req.url, 'http://x').searchParams.get('table')
      const rows =
        table === 'visits'
          ? [{ visit_id: 7 }]
          : [
              { id: 1, name: 'a' },
              { id: 2, name: null },
            ]
      return new Response(
        JSON.stringify({
          table,
          tables: ['patients', 'visits'],
          columns: Object.keys(rows[0]!),
          rows,
        }),
        {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        },
      )
    })
    vi.stubGlobal('fetch', fetchMock)
    const w = mount(PreviewTable, { props: { jobId: 'j1', tables: ['patients', 'visits'] } })
    await flushPromises()
    expect(w.findAll('tbody tr')).toHaveLength(2)
    expect(w.text()).toContain('∅')
    await w.get('[data-testid=preview-table-switch-visits] input').setValue(true)
    await flushPromises()
    expect(new URL(fetchMock.mock.calls.at(-1)![0].url, 'http://x').searchParams.get('table')).toBe(
      'visits',
    )
    expect(w.text()).toContain('visit_id')
  })
})
