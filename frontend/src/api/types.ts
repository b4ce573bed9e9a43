// Names for the generated API shapes, plus the documents the OpenAPI schema leaves open
// (the metrics document is `object` there; its shape is set by evaluation/).
import type { components } from './schema'

type Schemas = components['schemas']
export type Job = Schemas['Job']
export type JobStatus = Schemas['StatusEnum']
export type Artifact = Schemas['Artifact']
export type JobMetrics = Schemas['JobMetrics']
export type MetricsState = Schemas['MetricsState']
export type Template = Schemas['Template']
export type Knob = Schemas['Knob']
export type Preview = Schemas['Preview']
export type GenerateRequest = Schemas['GenerateRequest']
export type Condition = { column: string; value: string; fraction: number }
export type OutputFormat = Schemas['FormatEnum']
export type User = Schemas['User']
export type Me = Schemas['Me']
export type TokenInfo = Schemas['TokenInfo']
export type TokenCreated = Schemas['TokenCreated']
export type SavedSchema = Schemas['Schema']
export type SpecValidation = Schemas['SpecValidation']
export type Dataset = Schemas['Dataset']
export type SynthModel = Schemas['SynthModel']
export type Synthesizer = Schemas['Synthesizer']

/** A dataset's detected metadata (editable with PATCH /api/datasets/{id}). */
export interface ColumnMeta {
  sdtype: string
  representation?: string
  datetime_format?: string | null
  identifier?: string | null
  [key: string]: unknown
}
export interface DatasetMetadata {
  table?: string
  rows?: number
  primary_key?: string | null
  sequence_key?: string | null
  sequence_index?: string | null
  columns: Record<string, ColumnMeta>
  [key: string]: unknown
}

/** One table of a multi-table dataset (its metadata carries `tables` and `relationships`). */
export interface TableMeta extends DatasetMetadata {
  file?: string
}
export interface Relationship {
  parent_table: string
  parent_primary_key: string
  child_table: string
  child_foreign_key: string
}
export interface MultiMetadata {
  tables: Record<string, TableMeta>
  relationships: Relationship[]
}
/** The edits PATCH /api/datasets/{id} takes for one table's columns and keys. */
export interface TableEdits {
  columns: Record<string, ColumnMeta>
  primary_key: string | null
}
/** ... and for a multi-table dataset: per table, plus the relationships (replaced whole). */
export interface MultiEdits {
  tables: Record<string, TableEdits>
  relationships: Relationship[]
}
/** What a synthesizer learns (GET /api/synthesizers `takes`). */
export type DataKind = 'table' | 'tables' | 'sequences'

export const FORMATS: OutputFormat[] = ['csv', 'jsonl', 'json', 'parquet']
export const STATUSES: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled']
export const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled'])

export interface Histogram {
  edges: number[]
  synthetic: number[]
  reference: number[]
}

export interface ColumnMetrics {
  kind: string
  score?: number | null
  ks?: number | null
  tv_distance?: number | null
  mean?: number
  std?: number
  min?: number
  max?: number
  histogram?: Histogram
  declared?: Record<string, number>
  observed?: Record<string, number>
  reference?: unknown
  coverage?: number
  nulls?: { declared?: number | null; observed?: number | null }
  [key: string]: unknown
}

export interface CorrelationPair {
  fields: [string, string]
  requested?: number | null
  reference?: number | null
  observed?: number | null
  synthetic?: number | null
  error?: number | null
}

export interface CorrelationMatrices {
  columns: string[]
  reference: (number | null)[][]
  synthetic: (number | null)[][]
}

export interface Diversity {
  rows?: number
  uniqueness_rate?: number
  distinct_ratio?: Record<string, number>
  [key: string]: unknown
}

export interface TableMetrics {
  rows_evaluated?: number
  utility?: number | null
  columns: Record<string, ColumnMetrics>
  correlations?: CorrelationPair[] | CorrelationMatrices
  correlation_matrix?: CorrelationMatrices
  diversity?: Diversity
  privacy?: Record<string, unknown>
  [key: string]: unknown
}

/** A sequence job's temporal section (tables.<t>.temporal): what the charts read of it. */
export interface TemporalMetrics {
  score?: number | null
  columns?: Record<
    string,
    {
      acf_real?: (number | null)[]
      acf_synthetic?: (number | null)[]
      lag1_real?: number | null
      lag1_synthetic?: number | null
    }
  >
  examples?: Record<string, { real?: (number | null)[]; synthetic?: (number | null)[] }>
  [key: string]: unknown
}

export interface MetricsDocument {
  job?: string
  kind?: string
  summary?: Record<string, number | null | undefined>
  tables: Record<string, TableMetrics>
  privacy?: Record<string, unknown>
  [key: string]: unknown
}
