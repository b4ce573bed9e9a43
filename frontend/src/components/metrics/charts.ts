// ECharts, tree-shaken to what the metrics view draws, and the option builders it uses
// (pure functions, unit-tested without a canvas).
import { use } from 'echarts/core'
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import type { CorrelationMatrices, CorrelationPair, Histogram, TableMetrics } from '@/api/types'

use([
  BarChart,
  HeatmapChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
])

export const SYNTHETIC_COLOR = '#2563eb'
export const REFERENCE_COLOR = '#f59e0b'

function fmtEdge(x: number): string {
  const a = Math.abs(x)
  if (a !== 0 && (a >= 1e5 || a < 1e-2)) return x.toExponential(1)
  return Number(x.toFixed(2)).toString()
}

/** Bars of the synthetic counts and the reference (declared or real) as a line over them. */
export function histogramOption(
  h: Histogram,
  referenceLabel = 'reference',
): Record<string, unknown> {
  const labels = h.synthetic.map((_, i) => `${fmtEdge(h.edges[i]!)}–${fmtEdge(h.edges[i + 1]!)}`)
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: ['synthetic', referenceLabel], top: 0 },
    grid: { left: 40, right: 10, top: 30, bottom: 40 },
    xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 9, rotate: 30 } },
    yAxis: { type: 'value', axisLabel: { fontSize: 9 } },
    series: [
      {
        name: 'synthetic',
        type: 'bar',
        data: h.synthetic,
        itemStyle: { color: SYNTHETIC_COLOR },
        barCategoryGap: '5%',
      },
      {
        name: referenceLabel,
        type: 'line',
        data: h.reference,
        smooth: true,
        symbol: 'none',
        lineStyle: { color: REFERENCE_COLOR, width: 2 },
        itemStyle: { color: REFERENCE_COLOR },
      },
    ],
  }
}

/** Declared (or real) category shares against the synthetic ones, side by side. */
export function categoryOption(
  declared: Record<string, number>,
  observed: Record<string, number>,
  referenceLabel = 'reference',
): Record<string, unknown> {
  const keys = Array.from(new Set([...Object.keys(declared), ...Object.keys(observed)])).slice(
    0,
    30,
  )
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: ['synthetic', referenceLabel], top: 0 },
    grid: { left: 40, right: 10, top: 30, bottom: 40 },
    xAxis: { type: 'category', data: keys, axisLabel: { fontSize: 9, rotate: 30 } },
    yAxis: { type: 'value', axisLabel: { fontSize: 9 } },
    series: [
      {
        name: 'synthetic',
        type: 'bar',
        data: keys.map((k) => observed[k] ?? 0),
        itemStyle: { color: SYNTHETIC_COLOR },
      },
      {
        name: referenceLabel,
        type: 'bar',
        data: keys.map((k) => declared[k] ?? 0),
        itemStyle: { color: REFERENCE_COLOR },
      },
    ],
  }
}

/**
 * Reference and synthetic correlation matrices of a table, from a full matrix when the
 * metrics give one, else built from the declared pairs (1 on the diagonal, unknown elsewhere).
 */
export function correlationMatrices(table: TableMetrics): CorrelationMatrices | null {
  const full = table.correlation_matrix
  if (full && Array.isArray(full.columns) && full.columns.length > 1) return full
  const corr = table.correlations
  if (corr && !Array.isArray(corr) && Array.isArray(corr.columns)) return corr
  const pairs: CorrelationPair[] = Array.isArray(corr) ? corr : []
  if (pairs.length === 0) return null
  const columns: string[] = []
  for (const p of pairs) for (const f of p.fields) if (!columns.includes(f)) columns.push(f)
  const n = columns.length
  const blank = (): (number | null)[][] =>
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : null)))
  const reference = blank()
  const synthetic = blank()
  for (const p of pairs) {
    const i = columns.indexOf(p.fields[0])
    const j = columns.indexOf(p.fields[1])
    const ref = p.requested ?? p.reference ?? null
    const syn = p.observed ?? p.synthetic ?? null
    reference[i]![j] = reference[j]![i] = ref
    synthetic[i]![j] = synthetic[j]![i] = syn
  }
  return { columns, reference, synthetic }
}

export function differenceMatrix(m: CorrelationMatrices): (number | null)[][] {
  return m.synthetic.map((row, i) =>
    row.map((v, j) => {
      const r = m.reference[i]?.[j]
      return v === null || r === null || r === undefined ? null : v - r
    }),
  )
}

export function heatmapOption(
  columns: string[],
  matrix: (number | null)[][],
  title: string,
  range: [number, number] = [-1, 1],
): Record<string, unknown> {
  const data: [number, number, number | '-'][] = []
  matrix.forEach((row, i) =>
    row.forEach((v, j) => data.push([j, i, v === null ? '-' : Number(v.toFixed(3))])),
  )
  return {
    animation: false,
    title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
    tooltip: { position: 'top' },
    grid: { left: 70, right: 10, top: 30, bottom: 60 },
    xAxis: { type: 'category', data: columns, axisLabel: { rotate: 40, fontSize: 9 } },
    yAxis: { type: 'category', data: columns, inverse: true, axisLabel: { fontSize: 9 } },
    visualMap: {
      min: range[0],
      max: range[1],
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 80,
      inRange: { color: ['#b91c1c', '#f8fafc', '#1d4ed8'] },
      textStyle: { fontSize: 9 },
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: { show: columns.length <= 8, fontSize: 9 },
      },
    ],
  }
}

/** Real and synthetic lines over one x axis (a step of an example series, or a lag). */
export function linesOption(
  real: (number | null)[],
  synthetic: (number | null)[],
  axis: 'step' | 'lag',
): Record<string, unknown> {
  const n = Math.max(real.length, synthetic.length)
  const first = axis === 'lag' ? 1 : 0
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: ['real', 'synthetic'], top: 0 },
    grid: { left: 40, right: 10, top: 30, bottom: 30 },
    xAxis: {
      type: 'category',
      name: axis,
      data: Array.from({ length: n }, (_, i) => String(i + first)),
      axisLabel: { fontSize: 9 },
    },
    yAxis: { type: 'value', scale: axis === 'step', axisLabel: { fontSize: 9 } },
    series: [
      {
        name: 'real',
        type: 'line',
        data: real,
        showSymbol: false,
        itemStyle: { color: REFERENCE_COLOR },
      },
      {
        name: 'synthetic',
        type: 'line',
        data: synthetic,
        showSymbol: false,
        itemStyle: { color: SYNTHETIC_COLOR },
      },
    ],
  }
}
