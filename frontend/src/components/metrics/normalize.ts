// Metrics documents come in two shapes: schema/template jobs (conformance: per-column KS/TV
// against the declared distributions) and model jobs (sdmetrics quality, histograms and a
// heatmap against the real data, privacy). The panel draws one shape: this maps the second.
import type { ColumnMetrics, MetricsDocument, TableMetrics } from '@/api/types'

interface ModelHistogram {
  kind: 'numeric' | 'categorical'
  edges?: number[]
  labels?: string[]
  real: number[]
  synthetic: number[]
}

interface ModelTable {
  rows_evaluated?: number
  quality?: { score?: number; columns?: Record<string, { metric?: string; score?: number | null }> }
  histograms?: Record<string, ModelHistogram>
  heatmap?: { columns: string[]; real: (number | null)[][]; synthetic: (number | null)[][] } | null
  privacy?: Record<string, unknown>
  diversity?: TableMetrics['diversity']
  conditions?: unknown[]
  [key: string]: unknown
}

function modelTable(raw: ModelTable): TableMetrics {
  const columns: Record<string, ColumnMetrics> = {}
  const quality = raw.quality?.columns ?? {}
  const names = new Set([...Object.keys(quality), ...Object.keys(raw.histograms ?? {})])
  for (const name of names) {
    const q = quality[name]
    const h = raw.histograms?.[name]
    const score = q?.score ?? null
    const col: ColumnMetrics = { kind: h?.kind ?? 'column', score, metric: q?.metric }
    if (q?.metric === 'KSComplement' && score !== null) col.ks = 1 - score
    if (q?.metric === 'TVComplement' && score !== null) col.tv_distance = 1 - score
    if (h?.kind === 'numeric' && h.edges) {
      col.histogram = { edges: h.edges, synthetic: h.synthetic, reference: h.real }
    } else if (h?.kind === 'categorical' && h.labels) {
      col.declared = Object.fromEntries(h.labels.map((l, i) => [l, h.real[i] ?? 0]))
      col.observed = Object.fromEntries(h.labels.map((l, i) => [l, h.synthetic[i] ?? 0]))
    }
    columns[name] = col
  }
  const out: TableMetrics = {
    rows_evaluated: raw.rows_evaluated,
    utility: raw.quality?.score ?? null,
    columns,
    privacy: raw.privacy,
    diversity: raw.diversity,
    conditions: raw.conditions,
  }
  // A sequence table's temporal section ("Over time") is kept as the document has it.
  if (raw.temporal) out.temporal = raw.temporal
  if (raw.heatmap && raw.heatmap.columns.length > 1) {
    out.correlation_matrix = {
      columns: raw.heatmap.columns,
      reference: raw.heatmap.real,
      synthetic: raw.heatmap.synthetic,
    }
  }
  return out
}

function isModelTable(t: unknown): t is ModelTable {
  const x = t as Record<string, unknown>
  return !!x && typeof x === 'object' && !('columns' in x) && ('quality' in x || 'histograms' in x)
}

export function normalizeMetrics(doc: MetricsDocument): MetricsDocument {
  const tables: Record<string, TableMetrics> = {}
  for (const [name, t] of Object.entries(doc.tables ?? {})) {
    const raw = t as unknown
    tables[name] = isModelTable(raw)
      ? modelTable(raw)
      : { ...(raw as TableMetrics), columns: (raw as TableMetrics).columns ?? {} }
  }
  return { ...doc, tables }
}
