import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { NDialogProvider, NMessageProvider, NSelect } from 'naive-ui'
import JobsView from './JobsView.vue'
import type { Job } from '@/api/types'

function respond(body: unknown, status = 200): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

const job = (over: Partial<Job>): Job =>
  ({
    id: '00000000-0000-0000-0000-000000000000',
    kind: 'template',
    status: 'succeeded',
    progress: 1,
    rows_done: 100,
    rows_total: 100,
    blocks_done: 1,
    blocks_total: 1,
    format: 'csv',
    seed: 1,
    template: 'retail',
    engine_version: '1',
    tables: {},
    params: {},
    error: '',
    created_at: '2026-01-01T10:00:00Z',
    started_at: null,
    finished_at: null,
    artifacts: [],
    links: {},
    ...over,
  }) as Job

const ALICE_JOBS = [
  job({ id: 'aaaaaaaa-1111', template: 'retail', status: 'succeeded', rows_total: 500 }),
  job({
    id: 'bbbbbbbb-2222',
    template: 'healthcare_ehr',
    status: 'failed',
    rows_total: 9000,
    created_at: '2026-01-03T10:00:00Z',
  }),
  job({
    id: 'cccccccc-3333',
    template: 'finance_transactions',
    status: 'cancelled',
    rows_total: 20,
    created_at: '2026-01-02T10:00:00Z',
  }),
]

/** The server: the job list (mutable), cancel and delete; every request is recorded. */
function server(jobs: Job[]) {
  const calls: { method: string; path: string }[] = []
  const fetchMock = vi.fn(async (req: Request) => {
    const path = new URL(req.url, 'http://x').pathname
    calls.push({ method: req.method, path })
    if (req.method === 'GET' && path === '/api/jobs') return respond(jobs)
    const cancel = /^\/api\/jobs\/([^/]+)\/cancel$/.exec(path)
    if (req.method === 'POST' && cancel) {
      const j = jobs.find((x) => x.id === cancel[1])!
      Object.assign(j, { status: 'cancelled' })
      return respond(j)
    }
    const one = /^\/api\/jobs\/([^/]+)$/.exec(path)
    if (req.method === 'DELETE' && one) {
      jobs.splice(
        jobs.findIndex((x) => x.id === one[1]),
        1,
      )
      return new Response(null, { status: 204 })
    }
    return respond({ error: { code: 'not_found', message: 'no', details: [] } }, 404)
  })
  vi.stubGlobal('fetch', fetchMock)
  return calls
}

async function mountJobs(): Promise<VueWrapper> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/jobs', name: 'jobs', component: JobsView },
      { path: '/jobs/:id', name: 'job', component: { render: () => null } },
      { path: '/new', name: 'new', component: { render: () => null } },
    ],
  })
  await router.push('/jobs')
  const Shell = defineComponent({
    render: () => h(NMessageProvider, () => h(NDialogProvider, () => h(JobsView))),
  })
  const w = mount(Shell, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return w
}

/** The job names in the table, top to bottom. */
function names(w: VueWrapper): string[] {
  return w.findAll('[data-testid=job-link]').map((a) => a.text())
}

function select(w: VueWrapper, testid: string) {
  return w.findAllComponents(NSelect).find((s) => s.attributes('data-testid') === testid)!
}

describe('JobsView', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('says when there are more jobs than shown and fetches more on request', async () => {
    const limits: string[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request) => {
        const url = new URL(req.url, 'http://x')
        limits.push(url.searchParams.get('limit') ?? '')
        const shown =
          Number(url.searchParams.get('limit')) >= 400 ? ALICE_JOBS : ALICE_JOBS.slice(0, 2)
        return new Response(JSON.stringify(shown), {
          headers: { 'Content-Type': 'application/json', 'X-Total-Count': '3' },
        })
      }),
    )
    const w = await mountJobs()
    expect(limits).toEqual(['200'])
    expect(w.get('[data-testid=jobs-more]').text()).toContain('Showing the newest 2 of 3 jobs.')
    await w.get('[data-testid=jobs-more] button').trigger('click')
    await flushPromises()
    expect(limits).toEqual(['200', '400'])
    expect(w.find('[data-testid=jobs-more]').exists()).toBe(false)
    expect(names(w)).toHaveLength(3)
    w.unmount()
  })

  it('lists the jobs newest first and filters them by status', async () => {
    server(structuredClone(ALICE_JOBS))
    const w = await mountJobs()
    expect(names(w)).toEqual(['healthcare_ehr', 'finance_transactions', 'retail'])

    select(w, 'status-filter').vm.$emit('update:value', ['failed', 'succeeded'])
    await flushPromises()
    expect(names(w)).toEqual(['healthcare_ehr', 'retail'])

    select(w, 'status-filter').vm.$emit('update:value', ['queued'])
    await flushPromises()
    expect(names(w)).toEqual([])
    expect(w.get('[data-testid=jobs-empty]').text()).toContain('No job matches these filters.')
    w.unmount()
  })

  it('sorts by rows, name, status and age', async () => {
    server(structuredClone(ALICE_JOBS))
    const w = await mountJobs()
    const sort = async (key: string) => {
      select(w, 'job-sort').vm.$emit('update:value', key)
      await flushPromises()
      return names(w)
    }
    expect(await sort('rows')).toEqual(['healthcare_ehr', 'retail', 'finance_transactions'])
    expect(await sort('name')).toEqual(['finance_transactions', 'healthcare_ehr', 'retail'])
    // queued, running, succeeded, failed, cancelled
    expect(await sort('status')).toEqual(['retail', 'healthcare_ehr', 'finance_transactions'])
    expect(await sort('oldest')).toEqual(['retail', 'finance_transactions', 'healthcare_ehr'])
    w.unmount()
  })

  it('cancels a running job through the cancel endpoint', async () => {
    const running = job({ id: 'dddddddd-4444', template: 'iot', status: 'running', progress: 0.5 })
    const calls = server([running, ...structuredClone(ALICE_JOBS)])
    const w = await mountJobs()
    const buttons = w.findAll('[data-testid=job-cancel]')
    expect(buttons).toHaveLength(1) // only the job that is not finished
    await buttons[0]!.trigger('click')
    await flushPromises()
    expect(calls).toContainEqual({ method: 'POST', path: '/api/jobs/dddddddd-4444/cancel' })
    expect(w.findAll('[data-testid=job-cancel]')).toHaveLength(0)
    expect(w.find('[data-status=cancelled]').exists()).toBe(true)
    w.unmount()
  })

  it('deletes a job only once the dialog is confirmed', async () => {
    const calls = server(structuredClone(ALICE_JOBS))
    const w = await mountJobs()
    const deleteOf = (name: string) =>
      w
        .findAll('tbody tr')
        .find((r) => r.text().includes(name))!
        .get('[data-testid=job-delete]')

    await deleteOf('retail').trigger('click')
    await flushPromises()
    const dialog = () => document.body.querySelector('.n-dialog')
    expect(dialog()?.textContent).toContain('Delete this job?')
    ;(
      Array.from(dialog()!.querySelectorAll('button')).find((b) =>
        b.textContent?.includes('Keep'),
      ) as HTMLButtonElement
    ).click()
    await flushPromises()
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)
    expect(names(w)).toContain('retail')

    await deleteOf('retail').trigger('click')
    await flushPromises()
    ;(
      Array.from(dialog()!.querySelectorAll('button')).find((b) =>
        b.textContent?.includes('Delete'),
      ) as HTMLButtonElement
    ).click()
    await flushPromises()
    expect(calls).toContainEqual({ method: 'DELETE', path: '/api/jobs/aaaaaaaa-1111' })
    expect(names(w)).toEqual(['healthcare_ehr', 'finance_transactions'])
    w.unmount()
  })
})
