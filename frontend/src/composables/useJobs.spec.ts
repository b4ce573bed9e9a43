import { afterEach, describe, expect, it, vi } from 'vitest'
import { canRerun, rerunBody, rerunRequest } from './useJobs'
import type { Job } from '@/api/types'

const base = {
  id: '00000000-0000-0000-0000-000000000001',
  status: 'succeeded',
  format: 'parquet',
  seed: 42,
  template: '',
  params: {},
} as unknown as Job

describe('rerunRequest', () => {
  it('re-runs a template job with its knobs, rows, format and seed', () => {
    const job = {
      ...base,
      kind: 'template',
      template: 'healthcare_ehr',
      params: { rows: 500, template_params: { patients: 10 } },
    } as Job
    expect(rerunRequest(job)).toEqual({
      template: 'healthcare_ehr',
      params: { patients: 10 },
      format: 'parquet',
      seed: 42,
      rows: 500,
    })
  })

  it('re-runs a model job from its model, with its conditions', () => {
    const conditions = [{ column: 'Status', value: 'bad', fraction: 0.5 }]
    const job = { ...base, kind: 'model', params: { model_id: 'm1', rows: 300, conditions } } as Job
    expect(rerunRequest(job)).toMatchObject({ model_id: 'm1', rows: 300, seed: 42, conditions })
  })

  it('cannot re-run a fit job', () => {
    expect(rerunRequest({ ...base, kind: 'fit' } as Job)).toBeNull()
    expect(canRerun({ ...base, kind: 'fit' } as Job)).toBe(false)
  })
})

describe('rerunBody', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('re-runs an inline-schema job with the spec the server kept for it', async () => {
    const spec = { tables: { t: { rows: 5, fields: { id: { type: 'id' } } } } }
    const fetchMock = vi.fn(
      async (_req: Request) =>
        new Response(JSON.stringify({ spec }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const job = { ...base, kind: 'schema', params: { rows: 5 } } as Job
    expect(rerunRequest(job)).toBeNull()
    expect(canRerun(job)).toBe(true)
    expect(await rerunBody(job)).toEqual({ schema: spec, format: 'parquet', seed: 42, rows: 5 })
    expect(new URL(fetchMock.mock.calls[0][0].url).pathname).toBe(`/api/jobs/${base.id}/spec`)
  })

  it('needs no request for a template job', async () => {
    const fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    const job = { ...base, kind: 'template', template: 'retail_journeys' } as Job
    expect(await rerunBody(job)).toMatchObject({ template: 'retail_journeys', seed: 42 })
    expect(fetchMock).not.toHaveBeenCalled()
  })
})
