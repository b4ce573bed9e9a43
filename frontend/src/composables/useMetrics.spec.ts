import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, ref } from 'vue'
import { useMetrics } from './useMetrics'

const JOB = '00000000-0000-0000-0000-000000000001'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Retry-After': '2' },
  })
}

const computing = (status: string, progress: number) => ({
  job: JOB,
  status,
  progress,
  error: '',
  retry_after: 2,
})
const document = { job: JOB, kind: 'conformance', summary: { utility: 0.9 }, tables: {} }

describe('useMetrics', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('shows the metrics computing (202) and fills them in when they arrive', async () => {
    const answers = [
      json(202, computing('pending', 0)),
      json(202, computing('running', 0.5)),
      json(200, document),
    ]
    const fetchMock = vi.fn(async () => answers.shift() ?? json(200, document))
    vi.stubGlobal('fetch', fetchMock)
    const scope = effectScope()
    const state = scope.run(() => useMetrics(ref(JOB), ref(true)))!
    await vi.advanceTimersByTimeAsync(0)
    expect(state.pending.value).toBe(true)
    expect(state.state.value?.status).toBe('pending')
    expect(state.metrics.value).toBeNull()
    await vi.advanceTimersByTimeAsync(2000)
    expect(state.state.value).toMatchObject({ status: 'running', progress: 0.5 })
    await vi.advanceTimersByTimeAsync(2000)
    expect(state.pending.value).toBe(false)
    expect(state.metrics.value).toMatchObject({ kind: 'conformance' })
    const calls = fetchMock.mock.calls.length
    await vi.advanceTimersByTimeAsync(10_000) // ready: no more polling
    expect(fetchMock.mock.calls.length).toBe(calls)
    scope.stop()
  })

  it('stops asking and shows the error when the metrics failed', async () => {
    const failed = {
      error: {
        code: 'metrics_failed',
        message: 'computing the metrics failed: MemoryError; the job is intact',
        details: null,
      },
    }
    const answers = [json(202, computing('running', 0.2)), json(409, failed)]
    const fetchMock = vi.fn(async () => answers.shift() ?? json(409, failed))
    vi.stubGlobal('fetch', fetchMock)
    const scope = effectScope()
    const state = scope.run(() => useMetrics(ref(JOB), ref(true)))!
    await vi.advanceTimersByTimeAsync(0)
    expect(state.pending.value).toBe(true)
    await vi.advanceTimersByTimeAsync(2000)
    expect(state.pending.value).toBe(false)
    expect(state.error.value?.code).toBe('metrics_failed')
    expect(state.error.value?.message).toContain('MemoryError')
    await vi.advanceTimersByTimeAsync(10_000) // no spinner forever: polling stopped
    expect(fetchMock).toHaveBeenCalledTimes(2)
    scope.stop()
  })

  it('asks nothing while disabled (the data is not ready yet)', async () => {
    const fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    const scope = effectScope()
    scope.run(() => useMetrics(ref(JOB), ref(false)))
    await vi.advanceTimersByTimeAsync(5000)
    expect(fetchMock).not.toHaveBeenCalled()
    scope.stop()
  })
})
