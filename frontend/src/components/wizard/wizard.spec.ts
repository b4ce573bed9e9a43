import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import KnobField from './KnobField.vue'
import TemplatePicker from './TemplatePicker.vue'
import OutputOptions from './OutputOptions.vue'
import type { Knob } from '@/api/types'

const knob = (over: Partial<Knob>): Knob => ({
  name: 'patients',
  type: 'int',
  default: 100,
  help: 'How many patients.',
  min: 1,
  max: 1000,
  choices: null,
  ...over,
})

describe('KnobField', () => {
  it('renders a number input with its range and help', () => {
    const w = mount(KnobField, { props: { knob: knob({}), modelValue: 100 } })
    const input = w.get('input#knob-patients')
    expect((input.element as HTMLInputElement).value).toBe('100')
    expect(w.text()).toContain('How many patients.')
    expect(w.text()).toContain('1 – 1000')
  })

  it('renders a switch for a bool, a select for a choice', () => {
    expect(
      mount(KnobField, {
        props: { knob: knob({ type: 'bool', min: null, max: null }), modelValue: true },
      })
        .find('.n-switch')
        .exists(),
    ).toBe(true)
    const choice = mount(KnobField, {
      props: {
        knob: knob({ type: 'choice', choices: ['a', 'b'], min: null, max: null }),
        modelValue: 'a',
      },
    })
    expect(choice.find('.n-base-selection').exists()).toBe(true)
  })

  it('shows the server’s error next to the knob', () => {
    const w = mount(KnobField, {
      props: { knob: knob({}), modelValue: 5000, error: 'must be <= 1000' },
    })
    expect(w.text()).toContain('must be <= 1000')
  })
})

describe('TemplatePicker', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('lists the catalog as cards and, when one is chosen, its knobs with defaults', async () => {
    const templates = [
      {
        name: 'healthcare_ehr',
        title: 'Healthcare EHR',
        description: 'Patients and visits',
        tables: ['patients', 'visits'],
        knobs: [knob({})],
      },
      { name: 'retail', title: 'Retail', description: 'Shops', tables: ['orders'], knobs: [] },
    ]
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify(templates), {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
          }),
      ),
    )
    const w = mount(TemplatePicker, { props: { selected: null, params: {}, errors: {} } })
    await flushPromises()
    const cards = w.findAll('[role=radio]')
    expect(cards.map((c) => c.text())).toEqual([
      expect.stringContaining('Healthcare EHR'),
      expect.stringContaining('Retail'),
    ])
    await cards[0]!.trigger('click')
    expect(w.emitted('update:selected')![0]).toEqual(['healthcare_ehr'])
    expect(w.emitted('update:params')![0]).toEqual([{ patients: 100 }])
    await w.setProps({ selected: 'healthcare_ehr', params: { patients: 100 } })
    expect(w.find('[data-testid=knob-patients]').exists()).toBe(true)
    expect(cards[0]!.attributes('aria-checked')).toBe('true')
  })

  it('says so when the catalog cannot be loaded', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response('{"error": {"code": "server_error", "message": "boom"}}', { status: 500 }),
      ),
    )
    const w = mount(TemplatePicker, { props: { selected: null, params: {}, errors: {} } })
    await flushPromises()
    expect(w.get('[role=alert]').text()).toContain('boom')
  })
})

describe('OutputOptions', () => {
  it('fills the seed with a random one on request and shows field errors', async () => {
    const w = mount(OutputOptions, {
      props: { rows: 10, format: 'csv', seed: null, errors: { rows: 'must be >= 1' } },
    })
    await w.get('[data-testid=seed-random]').trigger('click')
    const [seed] = w.emitted('update:seed')![0] as [number]
    expect(Number.isInteger(seed)).toBe(true)
    expect(w.get('[data-testid=field-rows]').text()).toContain('must be >= 1')
  })
})
