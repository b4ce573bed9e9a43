import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { NTag } from 'naive-ui'
import StatusChip from './StatusChip.vue'
import JobProgress from './JobProgress.vue'
import { STATUS_STYLE } from '@/composables/jobStatus'
import { STATUSES } from '@/api/types'

describe('StatusChip', () => {
  it('gives every status its own colour', () => {
    const colours = new Set(STATUSES.map((s) => STATUS_STYLE[s].color))
    expect(colours.size).toBe(STATUSES.length)
  })

  it('shows the status and tags it for styling and tests', () => {
    const w = mount(StatusChip, { props: { status: 'failed' } })
    expect(w.text()).toBe('failed')
    expect(w.attributes('data-status')).toBe('failed')
    expect(w.findComponent(NTag).props('type')).toBe('error')
  })
})

describe('JobProgress', () => {
  const started = '2026-01-01T00:00:00Z'

  it('shows rows done of total and the ETA while running', () => {
    const w = mount(JobProgress, {
      props: {
        job: {
          status: 'running',
          rows_done: 2500,
          rows_total: 10000,
          started_at: started,
          progress: 0.25,
        },
        now: Date.parse(started) + 30_000,
      },
    })
    expect(w.get('[data-testid=rows-progress]').text()).toBe('2,500 / 10,000 rows')
    expect(w.get('[data-testid=eta]').text()).toBe('ETA 1m 30s')
    expect(w.get('[role=progressbar]').attributes('aria-valuenow')).toBe('25')
  })

  it('says why a queued job waits and what a running one does', () => {
    const queued = mount(JobProgress, {
      props: {
        job: {
          status: 'queued',
          rows_done: 0,
          rows_total: 10,
          started_at: null,
          progress: 0,
          phase: 'waiting',
          activity: 'waiting for a worker, 2 ahead',
        },
      },
    })
    expect(queued.get('[data-testid=job-activity]').text()).toBe('waiting for a worker, 2 ahead')
    const joining = mount(JobProgress, {
      props: {
        job: {
          status: 'running',
          rows_done: 10,
          rows_total: 10,
          started_at: started,
          progress: 0.999,
          phase: 'joining',
          activity: 'writing files',
        },
        now: Date.parse(started) + 30_000,
      },
    })
    expect(joining.get('[data-testid=job-activity]').text()).toBe('writing files')
    expect(joining.find('[data-testid=eta]').exists()).toBe(false)
    const done = mount(JobProgress, {
      props: {
        job: {
          status: 'succeeded',
          rows_done: 10,
          rows_total: 10,
          started_at: started,
          progress: 1,
          phase: 'done',
          activity: 'succeeded',
        },
      },
    })
    expect(done.find('[data-testid=job-activity]').exists()).toBe(false)
  })

  it('has no ETA when the job is not running', () => {
    const w = mount(JobProgress, {
      props: {
        job: {
          status: 'succeeded',
          rows_done: 10,
          rows_total: 10,
          started_at: started,
          progress: 1,
        },
      },
    })
    expect(w.find('[data-testid=eta]').exists()).toBe(false)
    expect(w.get('[role=progressbar]').attributes('aria-valuenow')).toBe('100')
  })
})
