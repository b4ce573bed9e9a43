// Small pure formatters shared by the views.

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return new Intl.NumberFormat('en-US').format(n)
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = n
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—'
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${s % 60}s`
  return `${Math.floor(m / 60)}h ${m % 60}m`
}

/**
 * Seconds left at the rate so far: (rows left) / (rows done per second since start).
 * Null when it cannot be told yet (not started, nothing done, or finished).
 */
export function etaSeconds(
  rowsDone: number,
  rowsTotal: number,
  startedAt: string | null | undefined,
  now: number = Date.now(),
): number | null {
  if (!startedAt || rowsDone <= 0 || rowsTotal <= 0 || rowsDone >= rowsTotal) return null
  const elapsed = (now - Date.parse(startedAt)) / 1000
  if (!(elapsed > 0)) return null
  const rate = rowsDone / elapsed
  return (rowsTotal - rowsDone) / rate
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  return d.toLocaleString('en-GB', {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
}

export function formatScore(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—'
  return x.toFixed(digits)
}

export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—'
  return `${(x * 100).toFixed(digits)}%`
}

export function randomSeed(): number {
  // 31 bits from the platform's CSPRNG: a seed a person can read and type again.
  const buf = new Uint32Array(1)
  globalThis.crypto.getRandomValues(buf)
  return buf[0]! >>> 1
}

/** A job's name after its source: the template; the dataset and synthesizer of a fit or
 * model job; the tables of a schema job. Shown in the list and the detail, searched by. */
export function jobName(job: {
  kind: string
  template?: string | null
  params?: unknown
  tables?: unknown
}): string {
  const p = (job.params ?? {}) as Record<string, unknown>
  if (job.template) return job.template
  const dataset = typeof p.dataset_name === 'string' ? p.dataset_name : null
  const synth = typeof p.synthesizer === 'string' ? p.synthesizer : null
  if (job.kind === 'fit')
    return `fit ${synth ?? ''} on ${dataset ?? 'a dataset'}`.replace('  ', ' ')
  if (job.kind === 'model') return `${dataset ?? 'dataset'} · ${synth ?? 'model'} sample`
  const tables = Object.keys((job.tables ?? {}) as Record<string, unknown>)
  if (job.kind === 'schema' && tables.length)
    return `schema: ${tables.slice(0, 3).join(', ')}${tables.length > 3 ? '…' : ''}`
  return job.kind
}
