// Spec text (JSON or YAML) -> value, and JSON paths -> places in the text, so that every
// error (syntax, JSON Schema, the server's validation) is drawn at its line.
import { findNodeAtLocation, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser'
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml'

export type SpecLanguage = 'json' | 'yaml'

export interface SpecProblem {
  path: string
  message: string
  from: number
  to: number
  line: number
  source: 'syntax' | 'jsonschema' | 'server'
}

export interface ParsedSpec {
  value: unknown
  problems: SpecProblem[]
  locate: (path: string) => { from: number; to: number }
}

/** 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** "schema.tables.people.fields.age" / "/tables/people" -> ["tables", "people", ...]. */
export function splitPath(path: string): (string | number)[] {
  let p = path.trim()
  if (p.startsWith('/')) {
    return p
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
  }
  p = p.replace(/^(schema|spec)(\.|$)/, '')
  if (!p) return []
  return p
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

function jsonLocator(text: string): (path: string) => { from: number; to: number } {
  const tree = parseTree(text)
  return (path) => {
    if (!tree) return { from: 0, to: Math.min(text.length, 1) }
    const segments = splitPath(path)
    // The deepest node that exists: an unknown key is reported at its parent object.
    for (let n = segments.length; n >= 0; n--) {
      const node = findNodeAtLocation(tree, segments.slice(0, n))
      if (node) {
        // For a property, point at its key (node.parent is the property node).
        const target = n > 0 && node.parent?.type === 'property' ? node.parent : node
        const from = target.offset
        const firstLineEnd = text.indexOf('\n', from)
        const to = Math.min(
          target.offset + target.length,
          firstLineEnd === -1 ? text.length : firstLineEnd,
        )
        return { from, to: Math.max(to, from + 1) }
      }
    }
    return { from: 0, to: 1 }
  }
}

function yamlLocator(
  doc: ReturnType<typeof parseDocument>,
  text: string,
): (path: string) => { from: number; to: number } {
  return (path) => {
    const segments = splitPath(path)
    let node: unknown = doc.contents
    let best: { from: number; to: number } = { from: 0, to: Math.min(1, text.length) }
    for (const seg of segments) {
      if (isMap(node)) {
        const pair = node.items.find(
          (it) =>
            (it.key as { value?: unknown } | null)?.value === seg ||
            String((it.key as { value?: unknown })?.value) === String(seg),
        )
        if (!pair) break
        const key = pair.key as YamlNode | null
        if (key?.range) best = { from: key.range[0], to: key.range[1] }
        node = pair.value
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as YamlNode | undefined
        if (!item) break
        if (item.range)
          best = {
            from: item.range[0],
            to: Math.max(item.range[0] + 1, Math.min(item.range[1], lineEnd(text, item.range[0]))),
          }
        node = item
      } else break
    }
    return best
  }
}

function lineEnd(text: string, from: number): number {
  const i = text.indexOf('\n', from)
  return i === -1 ? text.length : i
}

export function parseSpec(text: string, language: SpecLanguage): ParsedSpec {
  const problems: SpecProblem[] = []
  if (language === 'json') {
    const errors: ParseError[] = []
    const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true })
    for (const e of errors) {
      problems.push({
        path: '',
        message: `JSON: ${printParseErrorCode(e.error)}`,
        from: e.offset,
        to: e.offset + Math.max(1, e.length),
        line: lineOf(text, e.offset),
        source: 'syntax',
      })
    }
    let value: unknown = undefined
    if (errors.length === 0 && tree) {
      try {
        value = JSON.parse(text)
      } catch {
        value = undefined
      }
    }
    return { value, problems, locate: jsonLocator(text) }
  }
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  for (const e of doc.errors) {
    const from = e.pos[0]
    problems.push({
      path: '',
      message: `YAML: ${e.message.split('\n')[0]}`,
      from,
      to: Math.max(from + 1, e.pos[1]),
      line: lineOf(text, from),
      source: 'syntax',
    })
  }
  const value = doc.errors.length === 0 ? doc.toJS() : undefined
  return { value, problems, locate: yamlLocator(doc, text) }
}

/** Place server or JSON Schema errors (path + message) in the text. */
export function placeProblems(
  text: string,
  parsed: ParsedSpec,
  errors: { path: string; message: string }[],
  source: SpecProblem['source'],
): SpecProblem[] {
  return errors.map((e) => {
    const { from, to } = parsed.locate(e.path)
    return { path: e.path, message: e.message, from, to, line: lineOf(text, from), source }
  })
}
