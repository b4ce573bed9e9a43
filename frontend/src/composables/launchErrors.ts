import type { ErrorDetail } from '@/api/client'

export type WizardStep = 'source' | 'output' | 'review'

export interface RoutedErrors {
  /** Errors inside the schema, paths relative to the spec. */
  spec: ErrorDetail[]
  /** Template knob -> message. */
  knobs: Record<string, string>
  /** rows / format / seed / conditions -> message. */
  output: Record<string, string>
  /** Anything else, shown on the review step. */
  general: string[]
  /** The first step that has an error. */
  step: WizardStep
}

const OUTPUT_FIELDS = new Set(['rows', 'format', 'seed', 'conditions'])

/** Send each error of a failed launch to the step and field that caused it. */
export function routeLaunchErrors(message: string, details: ErrorDetail[]): RoutedErrors {
  const out: RoutedErrors = { spec: [], knobs: {}, output: {}, general: [], step: 'review' }
  const list = details.length ? details : [{ path: '', message }]
  for (const d of list) {
    const [head, ...rest] = d.path.split('.')
    if ((head === 'schema' || head === 'spec') && rest.length) {
      out.spec.push({ path: rest.join('.'), message: d.message })
    } else if (head === 'schema' || head === 'spec') {
      out.spec.push({ path: '', message: d.message })
    } else if (head === 'params' && rest.length) {
      out.knobs[rest[0]!] = d.message
    } else if (head && OUTPUT_FIELDS.has(head)) {
      out.output[head] = d.message
    } else {
      out.general.push(d.path ? `${d.path}: ${d.message}` : d.message)
    }
  }
  if (out.spec.length || Object.keys(out.knobs).length) out.step = 'source'
  else if (Object.keys(out.output).length) out.step = 'output'
  return out
}
