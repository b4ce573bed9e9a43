import { describe, expect, it } from 'vitest'
import { rerunRequest } from './useJobs'
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

  it('cannot re-run a fit job or a schema job whose spec it does not know', () => {
    expect(rerunRequest({ ...base, kind: 'fit' } as Job)).toBeNull()
    expect(rerunRequest({ ...base, kind: 'schema' } as Job)).toBeNull()
  })
})
