// Which synthesizers fit which data: GET /api/synthesizers says what each takes (one table,
// related tables, sequences, any); the page offers only those that can learn the dataset.
import type { DataKind, DatasetMetadata, Synthesizer } from '@/api/types'

/** For servers (or synthesizers) that do not say: what the names are known to take. */
const KNOWN: Record<string, DataKind[]> = {
  hma: ['tables'],
  par: ['sequences'],
  argn: ['table', 'tables', 'sequences'],
  auto: ['table', 'tables', 'sequences'],
}

/** The API's names (`takes`: single_table, related_tables, sequences) -> the page's kinds. */
const API_KIND: Record<string, DataKind> = {
  single_table: 'table',
  related_tables: 'tables',
  sequences: 'sequences',
}

export function takes(s: Synthesizer): DataKind[] {
  const declared = (s as { takes?: string[] }).takes
  if (declared?.length) return declared.map((t) => API_KIND[t]).filter((k) => k !== undefined)
  return KNOWN[s.name] ?? ['table']
}

/** What a dataset is: related tables, sequences (a sequence key is set) or one table. */
export function datasetKind(
  metadata: DatasetMetadata | null,
  sequenceKey?: string | null,
): DataKind {
  if (metadata && 'tables' in metadata) return 'tables'
  return sequenceKey ? 'sequences' : 'table'
}

export function synthesizersFor(list: Synthesizer[], kind: DataKind): Synthesizer[] {
  return list.filter((s) => takes(s).includes(kind))
}

export const KIND_TEXT: Record<DataKind, string> = {
  table: 'one table of independent rows',
  tables: 'related tables',
  sequences: 'sequences (rows grouped by the sequence key, in order)',
}
