import { describe, expect, it } from 'vitest'
import { normalizeMetrics } from './normalize'
import type { MetricsDocument } from '@/api/types'

describe('normalizeMetrics', () => {
  it('maps a model job’s report to columns, histograms against the real data and a heatmap', () => {
    const doc = {
      kind: 'model',
      summary: { quality: 0.9 },
      tables: {
        credit: {
          rows_evaluated: 300,
          quality: {
            score: 0.9,
            columns: {
              Age: { metric: 'KSComplement', score: 0.95 },
              Home: { metric: 'TVComplement', score: 0.9 },
            },
          },
          histograms: {
            Age: { kind: 'numeric', edges: [0, 1, 2], real: [0.5, 0.5], synthetic: [0.4, 0.6] },
            Home: {
              kind: 'categorical',
              labels: ['rent', 'own'],
              real: [0.3, 0.7],
              synthetic: [0.35, 0.65],
            },
          },
          heatmap: {
            columns: ['Age', 'Income'],
            real: [
              [1, 0.2],
              [0.2, 1],
            ],
            synthetic: [
              [1, 0.1],
              [0.1, 1],
            ],
          },
          privacy: { exact_copy_rate: 0 },
        },
      },
    } as unknown as MetricsDocument
    const t = normalizeMetrics(doc).tables.credit!
    expect(t.columns.Age!.ks).toBeCloseTo(0.05)
    expect(t.columns.Age!.histogram).toEqual({
      edges: [0, 1, 2],
      synthetic: [0.4, 0.6],
      reference: [0.5, 0.5],
    })
    expect(t.columns.Home!.tv_distance).toBeCloseTo(0.1)
    expect(t.columns.Home!.declared).toEqual({ rent: 0.3, own: 0.7 })
    expect(t.correlation_matrix!.reference[0]![1]).toBe(0.2)
    expect(t.privacy).toEqual({ exact_copy_rate: 0 })
    expect(t.utility).toBe(0.9)
  })

  it('keeps a sequence table’s temporal section for the "Over time" panel', () => {
    const temporal = {
      score: 0.8,
      columns: { temp: { acf_real: [1, 0.5], acf_synthetic: [1, 0.4] } },
      examples: { temp: { real: [1, 2], synthetic: [2, 1] } },
    }
    const doc = {
      kind: 'model',
      summary: { temporal: 0.8 },
      tables: { weather: { quality: { score: 0.7, columns: {} }, histograms: {}, temporal } },
    } as unknown as MetricsDocument
    expect(normalizeMetrics(doc).tables.weather!.temporal).toEqual(temporal)
  })

  it('leaves a conformance report as it is', () => {
    const doc: MetricsDocument = {
      kind: 'conformance',
      tables: { p: { columns: { a: { kind: 'id', score: 1 } } } },
    }
    expect(normalizeMetrics(doc).tables.p!.columns.a!.score).toBe(1)
  })
})
