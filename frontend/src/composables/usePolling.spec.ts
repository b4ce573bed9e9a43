import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { usePolling } from './usePolling'

describe('usePolling', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('polls while active, stops when inactive and when its scope ends', async () => {
    const active = ref(true)
    const tick = vi.fn(async () => {})
    const scope = effectScope()
    scope.run(() => usePolling(tick, 1000, active))
    await vi.advanceTimersByTimeAsync(3100)
    expect(tick).toHaveBeenCalledTimes(3)

    active.value = false
    await nextTick()
    await vi.advanceTimersByTimeAsync(5000)
    expect(tick).toHaveBeenCalledTimes(3)

    active.value = true
    await nextTick()
    await vi.advanceTimersByTimeAsync(1000)
    expect(tick).toHaveBeenCalledTimes(4)

    scope.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(tick).toHaveBeenCalledTimes(4)
  })

  it('never overlaps two calls', async () => {
    let running = 0
    let overlap = false
    const tick = async (): Promise<void> => {
      running++
      if (running > 1) overlap = true
      await new Promise((r) => setTimeout(r, 2500))
      running--
    }
    const scope = effectScope()
    scope.run(() => usePolling(tick, 1000, ref(true)))
    await vi.advanceTimersByTimeAsync(10_000)
    scope.stop()
    expect(overlap).toBe(false)
  })
})
