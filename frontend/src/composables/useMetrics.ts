import { computed, ref, watch, type Ref } from 'vue'
import { api, ApiError, unwrap } from '@/api/client'
import type { MetricsDocument } from '@/api/types'
import { usePolling } from './usePolling'

/** A job's metrics document; while the server answers "not ready" (409) it asks again. */
export function useMetrics(
  jobId: Ref<string>,
  enabled: Ref<boolean>,
): {
  metrics: Ref<MetricsDocument | null>
  loading: Ref<boolean>
  error: Ref<ApiError | null>
  pending: Ref<boolean>
} {
  const metrics = ref<MetricsDocument | null>(null)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  const pending = ref(false)

  async function load(): Promise<void> {
    if (!enabled.value) return
    loading.value = metrics.value === null
    try {
      const doc = await unwrap(
        api.GET('/api/metrics/{job_id}', { params: { path: { job_id: jobId.value } } }),
      )
      metrics.value = doc as unknown as MetricsDocument
      error.value = null
      pending.value = false
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'error', String(e))
      pending.value = err.status === 409
      error.value = pending.value ? null : err
    } finally {
      loading.value = false
    }
  }

  usePolling(
    load,
    2000,
    computed(() => enabled.value && pending.value),
  )
  watch(
    [jobId, enabled],
    () => {
      metrics.value = null
      if (enabled.value) void load()
    },
    { immediate: true },
  )
  return { metrics, loading, error, pending }
}
