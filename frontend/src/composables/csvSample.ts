// A look at the head of a CSV file in the browser: column names and the distinct values of
// columns with few of them (suggestions for the class-mix conditions). RFC 4180 quoting.

export function parseCsvRows(text: string, maxRows = 2000): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      if (rows.length > maxRows) break
    } else field += ch
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

/** Columns with at most `maxDistinct` distinct non-empty values in the sample, with them. */
export function categoricalValues(text: string, maxDistinct = 12): Record<string, string[]> {
  const rows = parseCsvRows(text)
  if (rows.length < 2) return {}
  // The last line of a cut sample may be partial: drop it.
  const [header, ...body] = rows
  const data = body.slice(0, -1).length ? body.slice(0, -1) : body
  const out: Record<string, string[]> = {}
  header!.forEach((name, j) => {
    const seen = new Set<string>()
    for (const r of data) {
      const v = r[j]
      if (v !== undefined && v !== '') seen.add(v)
      if (seen.size > maxDistinct) return
    }
    if (seen.size > 0) out[name] = Array.from(seen).sort()
  })
  return out
}
