import { describe, expect, it } from 'vitest'
import { band, bandText, scoreInfo } from './scoreInfo'
import { jobName } from '@/composables/format'

describe('readable scores and job names', () => {
  it('names and explains each score, with stated bands', () => {
    expect(scoreInfo('column_shapes').label).toBe('Column shapes')
    expect(scoreInfo('column_shapes').help).toContain("each column's distribution")
    expect(band('quality', 0.85)).toBe('good')
    expect(band('quality', 0.7)).toBe('fair')
    expect(band('quality', 0.3)).toBe('poor')
    expect(band('exact_copy_rate', 0.2)).toBe('poor')
    expect(band('exact_copy_rate', 0)).toBe('good')
    expect(bandText('quality')).toBe('good ≥ 0.8, fair ≥ 0.6, else poor')
    expect(scoreInfo('some_new_score').label).toBe('Some new score')
  })

  it('names jobs after their source', () => {
    expect(jobName({ kind: 'template', template: 'healthcare_ehr' })).toBe('healthcare_ehr')
    const params = { dataset_name: 'planes and 1 more', synthesizer: 'hma' }
    expect(jobName({ kind: 'model', params })).toBe('planes and 1 more · hma sample')
    expect(jobName({ kind: 'fit', params })).toBe('fit hma on planes and 1 more')
    expect(jobName({ kind: 'schema', tables: { people: {}, orders: {} } })).toBe(
      'schema: people, orders',
    )
  })
})
