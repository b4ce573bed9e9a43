import { computed, ref, watch, type Ref } from 'vue'
import { api, ApiError, unwrap } from '@/api/client'
import type { Job } from '@/api/types'
import { TERMINAL } from '@/api/types'
import { usePolling } from './usePolling'
import { LIVE_REFRESH_MS } from './useJobs'

/** One job, polled until it reaches a final state. */
export function useJob(id: Ref<string>): {
  job: Ref<Job | null>
  loading: Ref<boolean>
  error: Ref<ApiError | null>
  finished: Ref<boolean>
  refresh: () => Promise<void>
} {
  const job = ref<Job | null>(null)
  const loading = ref(true)
  const error = ref<ApiError | null>(null)

  async function refresh(): Promise<void> {
    const current = id.value
    try {
      const data = await unwrap(
        api.GET('/api/jobs/{job_id}', { params: { path: { job_id: current } } }),
      )
      if (current === id.value) {
        job.value = data
        error.value = null
      }
    } catch (e) {
      error.value = e instanceof ApiError ? e : new ApiError(0, 'error', String(e))
    } finally {
      loading.value = false
    }
  }

  const finished = computed(() => job.value !== null && TERMINAL.has(job.value.status))
  const active = computed(() => error.value?.status !== 404 && !finished.value && !loading.value)
  usePolling(refresh, LIVE_REFRESH_MS, active)
  watch(
    id,
    () => {
      loading.value = true
      job.value = null
      void refresh()
    },
    { immediate: true },
  )
  return { job, loading, error, finished, refresh }
}
