import { describe, expect, it } from 'vitest'
import type { Knob } from '@/api/types'
import { knobProblem, knobProblems, rowsProblem, seedProblem } from './inputChecks'
import { synthesizersFor, takes } from './synthKinds'

const knob = (over: Partial<Knob>): Knob =>
  ({
    name: 'k',
    type: 'int',
    default: 1,
    help: '',
    min: null,
    max: null,
    choices: null,
    ...over,
  }) as Knob

describe('input checks (nothing clamped: the value stays, the field says why)', () => {
  it('rows: a whole number of at least 1, or empty', () => {
    expect(rowsProblem(null)).toBeNull()
    expect(rowsProblem(200)).toBeNull()
    expect(rowsProblem(-5)).toBe('must be at least 1')
    expect(rowsProblem(0)).toBe('must be at least 1')
    expect(rowsProblem(2.5)).toBe('must be a whole number')
    expect(seedProblem(-1)).toBe('must be at least 0')
  })

  it('knobs: type and range as the template declares', () => {
    const rate = knob({ name: 'fraud_rate', type: 'float', min: 0, max: 0.5 })
    expect(knobProblem(rate, 0.9)).toBe('must be <= 0.5')
    expect(knobProblem(rate, 0.2)).toBeNull()
    expect(knobProblem(knob({ min: 1 }), 2.5)).toBe('must be a whole number')
    expect(knobProblem(knob({ type: 'date', min: '1990-01-01' }), '1980-01-01')).toBe(
      'must be >= 1990-01-01',
    )
    expect(knobProblems([rate, knob({ name: 'n', min: 1 })], { fraud_rate: 0.9, n: 3 })).toEqual({
      fraud_rate: 'must be <= 0.5',
    })
  })

  it('synthesizers by what they take, argn for tables and sequences when listed', () => {
    const s = (name: string, t?: string[]) =>
      ({
        name,
        title: name,
        license: '',
        bsl: false,
        epochs: false,
        available: true,
        takes: t,
      }) as never
    const list = [
      s('spec', ['single_table']),
      s('hma', ['related_tables']),
      s('par', ['sequences']),
      s('argn'),
    ]
    expect(synthesizersFor(list, 'tables').map((x: { name: string }) => x.name)).toEqual([
      'hma',
      'argn',
    ])
    expect(synthesizersFor(list, 'sequences').map((x: { name: string }) => x.name)).toEqual([
      'par',
      'argn',
    ])
    expect(takes(s('auto', ['single_table', 'sequences', 'related_tables']))).toContain('table')
  })
})
