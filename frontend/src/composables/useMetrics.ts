import { computed, ref, watch, type Ref } from 'vue'
import { api, ApiError, unwrap } from '@/api/client'
import type { MetricsDocument, MetricsState } from '@/api/types'
import { usePolling } from './usePolling'

const RETRY_MS = 2000

/**
 * A succeeded job's metrics document. They are computed after the data (the job is
 * downloadable before): while the server answers 202 (pending, running) this asks again and
 * keeps their state; a failure (409 `metrics_failed`) is an error, and polling stops.
 */
export function useMetrics(
  jobId: Ref<string>,
  enabled: Ref<boolean>,
): {
  metrics: Ref<MetricsDocument | null>
  loading: Ref<boolean>
  error: Ref<ApiError | null>
  pending: Ref<boolean>
  state: Ref<MetricsState | null>
} {
  const metrics = ref<MetricsDocument | null>(null)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  const pending = ref(false)
  const state = ref<MetricsState | null>(null)

  async function load(): Promise<void> {
    if (!enabled.value) return
    const current = jobId.value
    loading.value = metrics.value === null && !pending.value
    let status = 0
    try {
      const doc = await unwrap(
        api
          .GET('/api/metrics/{job_id}', { params: { path: { job_id: current } } })
          .then((result) => {
            status = result.response.status
            return result
          }),
      )
      if (current !== jobId.value) return
      error.value = null
      if (status === 202) {
        pending.value = true
        state.value = doc as unknown as MetricsState
        return
      }
      metrics.value = doc as unknown as MetricsDocument
      pending.value = false
      state.value = null
    } catch (e) {
      if (current !== jobId.value) return
      error.value = e instanceof ApiError ? e : new ApiError(0, 'error', String(e))
      pending.value = false
    } finally {
      loading.value = false
    }
  }

  usePolling(
    load,
    RETRY_MS,
    computed(() => enabled.value && pending.value),
  )
  watch(
    [jobId, enabled],
    () => {
      metrics.value = null
      state.value = null
      pending.value = false
      if (enabled.value) void load()
    },
    { immediate: true },
  )
  return { metrics, loading, error, pending, state }
}
