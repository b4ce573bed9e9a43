// Plain names, one-line meanings and colour bands (with their stated thresholds) for the
// scores of a metrics document's summary; keys not listed fall back to their own name.

export type Band = 'good' | 'fair' | 'poor'

export interface ScoreInfo {
  label: string
  help: string
  /** [good, fair] limits: higher is better unless `lowerIsBetter`. */
  bands?: [number, number]
  lowerIsBetter?: boolean
}

export const SCORES: Record<string, ScoreInfo> = {
  quality: {
    label: 'Overall quality',
    help: 'The mean of column shapes and column pair trends: how alike synthetic and real are.',
    bands: [0.8, 0.6],
  },
  utility: {
    label: 'Utility',
    help: 'How well the data keeps what it should (real data or the declared distributions).',
    bands: [0.8, 0.6],
  },
  column_shapes: {
    label: 'Column shapes',
    help: "How closely each column's distribution matches the real one (1 - KS or TV distance).",
    bands: [0.8, 0.6],
  },
  column_pair_trends: {
    label: 'Column pair trends',
    help: 'How well correlations between pairs of columns are kept.',
    bands: [0.8, 0.6],
  },
  diagnostic: {
    label: 'Validity',
    help: 'Share of basic checks passed: values within the real ranges and categories, keys unique.',
    bands: [0.95, 0.8],
  },
  temporal: {
    label: 'Temporal fidelity',
    help: 'How sequences move in time like the real ones: autocorrelation, seasons, cross-correlation, step changes and state runs.',
    bands: [0.8, 0.6],
  },
  referential_integrity: {
    label: 'Referential integrity',
    help: "Share of child rows whose foreign key is a parent's key (the worst relationship).",
    bands: [0.999, 0.95],
  },
  exact_copy_rate: {
    label: 'Exact copies of real rows',
    help: 'Share of synthetic rows identical to a training row (lower is more private).',
    bands: [0.01, 0.05],
    lowerIsBetter: true,
  },
  exact_copies_dropped: {
    label: 'Exact copies dropped',
    help: 'Synthetic rows removed because they copied a training row.',
  },
  dcr_ratio: {
    label: 'Distance to real (vs holdout)',
    help: 'How far synthetic rows are from training rows, relative to unseen real rows (about 1 or more is private).',
    bands: [0.9, 0.7],
  },
  share_closer_than_holdout_p5: {
    label: 'Rows too close to real',
    help: "Share of synthetic rows closer to a training row than 95% of the holdout's rows are.",
    bands: [0.05, 0.1],
    lowerIsBetter: true,
  },
  identifier_leaks: {
    label: 'Identifier leaks',
    help: 'Real identifiers (emails, phones...) found in the synthetic data: should be 0.',
    bands: [0, 0],
    lowerIsBetter: true,
  },
  uniqueness_rate: {
    label: 'Unique rows',
    help: 'Share of synthetic rows that are distinct from each other.',
    bands: [0.9, 0.5],
  },
}

export function scoreInfo(key: string): ScoreInfo {
  return (
    SCORES[key] ?? { label: key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()), help: '' }
  )
}

/** The band a value falls in, or null when the score has none. */
export function band(key: string, value: number | null | undefined): Band | null {
  const info = SCORES[key]
  if (!info?.bands || value === null || value === undefined) return null
  const [good, fair] = info.bands
  if (info.lowerIsBetter) return value <= good ? 'good' : value <= fair ? 'fair' : 'poor'
  return value >= good ? 'good' : value >= fair ? 'fair' : 'poor'
}

/** The thresholds in words, e.g. "good ≥ 0.8, fair ≥ 0.6". */
export function bandText(key: string): string {
  const info = SCORES[key]
  if (!info?.bands) return ''
  const [good, fair] = info.bands
  const op = info.lowerIsBetter ? '≤' : '≥'
  return `good ${op} ${good}, fair ${op} ${fair}, else poor`
}
