import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import DatasetView from './DatasetView.vue'

const DS = '11111111-1111-1111-1111-111111111111'
const FIT = 'ffffffff-0000-0000-0000-000000000001'
const SAMPLE = 'aaaaaaaa-0000-0000-0000-000000000002'

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

const base = {
  progress: 1,
  rows_done: 50,
  rows_total: 50,
  blocks_done: 1,
  blocks_total: 1,
  format: 'csv',
  seed: 1,
  template: '',
  engine_version: '1',
  tables: {},
  error: '',
  created_at: '2026-01-01T10:00:00Z',
  started_at: null,
  finished_at: null,
  artifacts: [],
  links: {},
  status: 'succeeded',
}

/** The server: one dataset, its model and that model's fit and sample jobs. */
function server(): string[] {
  const asked: string[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      const url = new URL(req.url, 'http://x')
      asked.push(url.pathname + url.search)
      if (url.pathname === `/api/datasets/${DS}`)
        return respond({ id: DS, name: 'credit', rows: 300, columns: 5, size: 9000, metadata: {} })
      if (url.pathname === '/api/models')
        return respond([
          {
            id: 'm1',
            dataset_id: DS,
            synthesizer: 'spec',
            chosen: 'spec',
            status: 'succeeded',
            fit_job_id: FIT,
            created_at: '2026-01-01T10:00:00Z',
          },
        ])
      if (url.pathname === '/api/jobs')
        return respond([
          {
            ...base,
            id: FIT,
            kind: 'fit',
            params: { dataset_id: DS, dataset_name: 'credit', synthesizer: 'spec', model_id: 'm1' },
          },
          {
            ...base,
            id: SAMPLE,
            kind: 'model',
            params: { dataset_id: DS, dataset_name: 'credit', synthesizer: 'spec', model_id: 'm1' },
          },
        ])
      return respond({ error: { code: 'not_found', message: 'no such dataset', details: [] } }, 404)
    }),
  )
  return asked
}

async function mountAt(id: string): Promise<VueWrapper> {
  const stub = { render: () => null }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/datasets/:id', name: 'dataset', component: DatasetView, props: true },
      { path: '/jobs/:id', name: 'job', component: stub },
      { path: '/jobs', name: 'jobs', component: stub },
      { path: '/compare', name: 'compare', component: stub },
    ],
  })
  await router.push(`/datasets/${id}`)
  const w = mount(DatasetView, { props: { id }, global: { plugins: [router] } })
  await flushPromises()
  return w
}

describe('DatasetView', () => {
  afterEach(() => vi.unstubAllGlobals())

  it("lists the dataset's models with their fit job and samples, asked by dataset", async () => {
    const asked = server()
    const w = await mountAt(DS)
    expect(asked).toContain(`/api/models?dataset=${DS}`)
    expect(asked).toContain(`/api/jobs?dataset=${DS}`)
    expect(w.get('h1').text()).toBe('Dataset credit')
    expect(w.findAll('[data-testid=dataset-model]')).toHaveLength(1)
    expect(w.get('[data-testid=dataset-fit-link]').attributes('href')).toBe(`/jobs/${FIT}`)
    expect(w.get('[data-testid=dataset-fit-link]').text()).toBe('fit spec on credit')
    const samples = w.findAll('[data-testid=dataset-sample-link]')
    expect(samples.map((a) => a.attributes('href'))).toEqual([`/jobs/${SAMPLE}`])
    expect(w.get('[data-testid=dataset-compare-link]').attributes('href')).toBe(
      `/compare?dataset=${DS}`,
    )
  })

  it('says when there is no such dataset', async () => {
    server()
    const w = await mountAt('22222222-2222-2222-2222-222222222222')
    expect(w.text()).toContain('No such dataset')
    expect(w.find('[data-testid=dataset-model]').exists()).toBe(false)
  })
})
