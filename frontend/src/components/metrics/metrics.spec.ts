import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import MetricsPanel from './MetricsPanel.vue'
import PrivacyPanel from './PrivacyPanel.vue'
import { correlationMatrices, differenceMatrix, heatmapOption, histogramOption } from './charts'
import type { MetricsDocument } from '@/api/types'

const DOC: MetricsDocument = {
  kind: 'conformance',
  summary: { utility: 0.97, uniqueness_rate: 1 },
  tables: {
    people: {
      rows_evaluated: 100,
      utility: 0.97,
      columns: {
        age: {
          kind: 'numeric',
          ks: 0.04,
          score: 0.96,
          histogram: { edges: [0, 1, 2], synthetic: [5, 7], reference: [6, 6] },
          nulls: { declared: 0, observed: 0 },
        },
        segment: {
          kind: 'categorical',
          tv_distance: 0.02,
          score: 0.98,
          declared: { a: 0.5, b: 0.5 },
          observed: { a: 0.52, b: 0.48 },
        },
      },
      correlations: [{ fields: ['age', 'income'], requested: 0.4, observed: 0.38, error: 0.02 }],
      diversity: { rows: 100, uniqueness_rate: 1, distinct_ratio: { age: 0.5 } },
    },
    shops: { columns: {} },
  },
}

describe('chart options', () => {
  it('builds reference, synthetic and difference matrices from declared pairs', () => {
    const m = correlationMatrices(DOC.tables.people!)!
    expect(m.columns).toEqual(['age', 'income'])
    expect(m.reference).toEqual([
      [1, 0.4],
      [0.4, 1],
    ])
    expect(m.synthetic).toEqual([
      [1, 0.38],
      [0.38, 1],
    ])
    expect(differenceMatrix(m)[0]![1]).toBeCloseTo(-0.02)
    expect(correlationMatrices({ columns: {} })).toBeNull()
  })

  it('prefers a full matrix when the metrics give one', () => {
    const full = {
      columns: ['a', 'b'],
      reference: [
        [1, 0.1],
        [0.1, 1],
      ],
      synthetic: [
        [1, 0.2],
        [0.2, 1],
      ],
    }
    expect(correlationMatrices({ columns: {}, correlation_matrix: full })).toBe(full)
  })

  it('draws histograms as synthetic bars over the reference line, one label per bin', () => {
    const opt = histogramOption({ edges: [0, 1, 2], synthetic: [5, 7], reference: [6, 6] }) as {
      xAxis: { data: string[] }
      series: { type: string; data: number[] }[]
    }
    expect(opt.xAxis.data).toEqual(['0–1', '1–2'])
    expect(opt.series.map((s) => s.type)).toEqual(['bar', 'line'])
    const heat = heatmapOption(
      ['a', 'b'],
      [
        [1, null],
        [null, 1],
      ],
      't',
    ) as { series: { data: unknown[] }[] }
    expect(heat.series[0]!.data).toContainEqual([1, 0, '-'])
  })
})

describe('MetricsPanel', () => {
  const stubs = {
    ChartBox: {
      props: ['option', 'label'],
      template: '<div data-testid="chart" :aria-label="label" />',
    },
  }

  it('shows overall scores, the column table, a chart per column and the three heatmaps', () => {
    const w = mount(MetricsPanel, { props: { document: DOC }, global: { stubs } })
    expect(w.get('[data-testid=summary-utility]').text()).toContain('0.970')
    expect(w.get('[data-testid=summary-uniqueness_rate]').text()).toContain('100.0%')
    expect(w.get('[data-testid=column-metrics]').text()).toContain('segment')
    expect(w.findAll('[data-testid=histograms] [data-testid=chart]')).toHaveLength(2)
    const heatmaps = w.findAll('[data-testid=heatmaps] [data-testid=chart]')
    expect(heatmaps.map((h) => h.attributes('aria-label'))).toEqual([
      'Correlation heatmap: Reference (declared)',
      'Correlation heatmap: Synthetic',
      'Correlation heatmap: Difference',
    ])
    expect(w.get('[data-testid=diversity]').text()).toContain('age distinct')
    expect(w.find('[data-testid=privacy-panel]').exists()).toBe(false)
    expect(w.find('[data-testid=metrics-table-switch]').exists()).toBe(true)
  })

  it('shows the privacy panel when the report has one', () => {
    const doc = {
      ...DOC,
      kind: 'quality',
      privacy: { exact_copies: 0, dcr: { synthetic_median: 0.8, holdout_median: 0.7 } },
    }
    const w = mount(MetricsPanel, { props: { document: doc }, global: { stubs } })
    const panel = w.get('[data-testid=privacy-panel]')
    expect(panel.text()).toContain('No synthetic row is an exact copy')
    expect(panel.text()).toContain('0.800')
    expect(w.find('[data-testid=differential-privacy]').exists()).toBe(false)
  })

  it('says what a differentially private fit spent', () => {
    const doc = {
      ...DOC,
      kind: 'model',
      privacy: { exact_copies: 0 },
      differential_privacy: { epsilon: 3, delta: 1e-6, epsilon_spent: 2.96, delta_spent: 1e-6 },
    }
    const w = mount(MetricsPanel, { props: { document: doc }, global: { stubs } })
    const line = w.get('[data-testid=differential-privacy]').text()
    expect(line).toContain('epsilon spent 2.960 of 3')
  })
})

describe('PrivacyPanel', () => {
  it('warns when real rows were copied', () => {
    const w = mount(PrivacyPanel, {
      props: { privacy: { exact_copies: 3, exact_copy_rate: 0.01 } },
    })
    expect(w.text()).toContain('Some synthetic rows copy real rows exactly')
  })

  it('shows the attack verdict as a traffic light with one sentence per attack', () => {
    const w = mount(PrivacyPanel, {
      props: {
        privacy: {
          exact_copies: 0,
          verdict: 'high',
          sentences: { membership_inference: 'High risk: an attacker tells members.' },
          attacks: {
            membership_inference: { auc: 0.99, advantage: 0.98, ci: [0.95, 1], level: 'high' },
            singling_out: { skipped: 'no held-out rows' },
          },
        },
      },
    })
    const risk = w.get('[data-testid=privacy-risk]')
    expect(risk.text()).toContain('Privacy risk: high')
    expect(risk.text()).toContain('an attacker tells members')
    expect(risk.find('[data-level=high]').exists()).toBe(true)
    expect(w.get('[data-testid=privacy-attacks]').text()).toContain('not measured: no held-out')
  })
})
