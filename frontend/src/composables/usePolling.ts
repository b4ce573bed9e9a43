import { onScopeDispose, ref, watch, type Ref, type WatchSource } from 'vue'

/**
 * Call `tick` now and then every `intervalMs` while `active` is true; stop with the scope.
 * Calls never overlap: the next one is scheduled when the previous has finished.
 */
export function usePolling(
  tick: () => Promise<void>,
  intervalMs: number,
  active: WatchSource<boolean>,
): { polling: Ref<boolean>; refresh: () => Promise<void>; stop: () => void } {
  const polling = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  let running = false

  function clear(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  async function run(): Promise<void> {
    if (running) return
    running = true
    try {
      await tick()
    } finally {
      running = false
    }
  }

  function schedule(): void {
    clear()
    if (stopped || !polling.value) return
    timer = setTimeout(async () => {
      timer = null
      await run()
      schedule()
    }, intervalMs)
  }

  const stopWatch = watch(
    active,
    (on) => {
      polling.value = on
      if (on) schedule()
      else clear()
    },
    { immediate: true },
  )

  function stop(): void {
    stopped = true
    polling.value = false
    clear()
    stopWatch()
  }

  onScopeDispose(stop)
  return { polling, refresh: run, stop }
}
