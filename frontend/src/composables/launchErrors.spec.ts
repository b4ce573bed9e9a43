import { describe, expect, it } from 'vitest'
import { routeLaunchErrors } from './launchErrors'

describe('routeLaunchErrors', () => {
  it('sends schema errors to the editor and the source step', () => {
    const r = routeLaunchErrors('bad', [
      { path: 'schema.tables.p.fields.age.dist.sd', message: 'must be > 0' },
    ])
    expect(r.step).toBe('source')
    expect(r.spec).toEqual([{ path: 'tables.p.fields.age.dist.sd', message: 'must be > 0' }])
  })

  it('sends knob errors to their knob and output errors to the output step', () => {
    expect(routeLaunchErrors('x', [{ path: 'params.patients', message: 'too big' }]).knobs).toEqual(
      { patients: 'too big' },
    )
    const r = routeLaunchErrors('x', [{ path: 'rows', message: 'must be >= 0' }])
    expect(r.step).toBe('output')
    expect(r.output.rows).toBe('must be >= 0')
  })

  it('keeps anything else for the review step', () => {
    const r = routeLaunchErrors('the broker is down', [])
    expect(r.step).toBe('review')
    expect(r.general).toEqual(['the broker is down'])
  })
})
