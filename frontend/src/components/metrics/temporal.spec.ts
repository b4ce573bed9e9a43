import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import MetricsPanel from './MetricsPanel.vue'
import TemporalPanel from './TemporalPanel.vue'
import { linesOption } from './charts'
import type { MetricsDocument, TemporalMetrics } from '@/api/types'

const TEMPORAL: TemporalMetrics = {
  score: 0.91,
  columns: {
    temp: {
      acf_real: [0.99, 0.97, 0.95],
      acf_synthetic: [0.98, 0.96, 0.93],
      lag1_real: 0.99,
      lag1_synthetic: 0.98,
    },
    gust: {
      acf_real: [0.89, 0.7],
      acf_synthetic: [0.88, 0.69],
      lag1_real: 0.89,
      lag1_synthetic: 0.88,
    },
  },
  examples: {
    temp: { real: [39, 39.9, 40.1, 41], synthetic: [38.5, 39, 39.7, 40.2] },
    gust: { real: [null, 20.7, 25.3, null], synthetic: [18.4, null, null, 21.9] },
  },
}

// ChartBox draws with ECharts on a canvas, which jsdom lacks: its label is what is checked
const stubs = {
  ChartBox: {
    props: ['option', 'label'],
    template: '<div data-testid="chart" :aria-label="label" />',
  },
}

describe('temporal charts', () => {
  it('draws real and synthetic lines per step and per lag, gaps kept as nulls', () => {
    const series = linesOption([1, null, 3], [2, 2], 'step') as any
    expect(series.xAxis.data).toEqual(['0', '1', '2'])
    expect(series.series.map((s: any) => s.name)).toEqual(['real', 'synthetic'])
    expect(series.series[0].data).toEqual([1, null, 3])
    const acf = linesOption([0.9, 0.8], [0.7, 0.5], 'lag') as any
    expect(acf.xAxis.data).toEqual(['1', '2']) // lags start at 1
    expect(acf.series[1].data).toEqual([0.7, 0.5])
  })

  it('shows an example series and an autocorrelation chart per column, with the lag-1s', () => {
    const w = mount(TemporalPanel, { props: { temporal: TEMPORAL }, global: { stubs } })
    expect(w.text()).toContain('temporal score 0.910')
    const panels = w.findAll('[data-column]')
    expect(panels.map((p) => p.attributes('data-column'))).toEqual(['temp', 'gust'])
    const labels = w.findAll('[data-testid="chart"]').map((c) => c.attributes('aria-label'))
    expect(labels).toContain('Example series of gust: real and synthetic')
    expect(labels).toContain('Autocorrelation of temp by lag: real and synthetic')
    expect(panels[1]!.text()).toContain('lag-1 real 0.890, synthetic 0.880')
  })

  it('appears in the metrics panel of a sequence table only', () => {
    const doc: MetricsDocument = {
      kind: 'model',
      summary: { temporal: 0.91 },
      tables: { weather: { columns: {}, temporal: TEMPORAL }, flat: { columns: {} } },
    }
    const w = mount(MetricsPanel, { props: { document: doc }, global: { stubs } })
    expect(w.find('[data-testid="temporal"]').exists()).toBe(true)
    const flat = mount(MetricsPanel, {
      props: { document: { ...doc, tables: { flat: { columns: {} } } } },
      global: { stubs },
    })
    expect(flat.find('[data-testid="temporal"]').exists()).toBe(false)
  })
})
