// The server's input rules, checked as the user types so that nothing is clamped or rounded
// in silence: a wrong value stays as typed and its field says why (the server says the same
// with a 400 if the page is bypassed).
import type { Knob } from '@/api/types'

/** Why `rows` is not acceptable, or null. Empty (null) means "as the source says". */
export function rowsProblem(rows: number | null): string | null {
  if (rows === null) return null
  if (!Number.isFinite(rows) || !Number.isInteger(rows)) return 'must be a whole number'
  if (rows < 1) return 'must be at least 1'
  return null
}

/** Why a knob's value is not acceptable (type and range as the template declares), or null. */
export function knobProblem(knob: Knob, value: unknown): string | null {
  const { min, max } = knob
  if (knob.type === 'int' || knob.type === 'float') {
    if (value === null || value === undefined) return 'is required'
    if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number`
    if (knob.type === 'int' && !Number.isInteger(value)) return 'must be a whole number'
    if (typeof min === 'number' && value < min) return `must be >= ${min}`
    if (typeof max === 'number' && value > max) return `must be <= ${max}`
  }
  if (knob.type === 'date') {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))
      return 'must be a date YYYY-MM-DD'
    if (typeof min === 'string' && value < min) return `must be >= ${min}`
    if (typeof max === 'string' && value > max) return `must be <= ${max}`
  }
  return null
}

/** knob -> problem, for every knob of a template whose value is wrong. */
export function knobProblems(
  knobs: Knob[],
  params: Record<string, unknown>,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of knobs) {
    const p = knobProblem(k, params[k.name])
    if (p) out[k.name] = p
  }
  return out
}

/** Why a seed is not acceptable (a whole number 0 .. 2^63 - 1), or null when empty. */
export function seedProblem(seed: number | null): string | null {
  if (seed === null) return null
  if (!Number.isInteger(seed)) return 'must be a whole number'
  return seed < 0 ? 'must be at least 0' : null
}
