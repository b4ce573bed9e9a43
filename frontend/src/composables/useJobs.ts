import { computed, ref, type Ref } from 'vue'
import { api, ApiError, unwrap, unwrapPage } from '@/api/client'
import type { GenerateRequest, Job } from '@/api/types'
import { TERMINAL } from '@/api/types'
import { usePolling } from './usePolling'

export const LIVE_REFRESH_MS = 1500
/** Jobs fetched at first, and how many more each "show more" asks for (the API's most: 1000). */
export const JOBS_PAGE = 200
export const JOBS_MAX = 1000

/** The caller's newest jobs, refreshed live while any of them is queued or running. */
export function useJobs(): {
  jobs: Ref<Job[]>
  total: Ref<number | null>
  loading: Ref<boolean>
  error: Ref<ApiError | null>
  live: Ref<boolean>
  refresh: () => Promise<void>
  showMore: () => Promise<void>
} {
  const jobs = ref<Job[]>([])
  const total = ref<number | null>(null)
  const limit = ref(JOBS_PAGE)
  const loading = ref(true)
  const error = ref<ApiError | null>(null)

  async function refresh(): Promise<void> {
    try {
      const page = await unwrapPage(
        api.GET('/api/jobs', { params: { query: { limit: limit.value } } }),
      )
      jobs.value = page.items
      total.value = page.total
      error.value = null
    } catch (e) {
      error.value = e instanceof ApiError ? e : new ApiError(0, 'error', String(e))
    } finally {
      loading.value = false
    }
  }

  const anyActive = computed(() => jobs.value.some((j) => !TERMINAL.has(j.status)))
  const { polling } = usePolling(refresh, LIVE_REFRESH_MS, anyActive)
  async function showMore(): Promise<void> {
    limit.value = Math.min(limit.value + JOBS_PAGE, JOBS_MAX)
    await refresh()
  }

  void refresh()
  return { jobs, total, loading, error, live: polling, refresh, showMore }
}

/** The request that makes the same data again, or null when the job does not say enough. */
export function rerunRequest(job: Job): GenerateRequest | null {
  const params = (job.params ?? {}) as Record<string, unknown>
  const common = commonOf(job)
  if (job.kind === 'template' && job.template) {
    const knobs = (params.template_params ?? {}) as Record<string, unknown>
    return { template: job.template, params: knobs, ...common }
  }
  if (typeof params.schema_id === 'string') return { schema_id: params.schema_id, ...common }
  if (job.kind === 'model' && typeof params.model_id === 'string') {
    const conditions = Array.isArray(params.conditions) ? params.conditions : []
    return { model_id: params.model_id, ...common, ...(conditions.length ? { conditions } : {}) }
  }
  return null
}

function commonOf(job: Job): Pick<GenerateRequest, 'format' | 'seed' | 'rows'> {
  const params = (job.params ?? {}) as Record<string, unknown>
  const rows = typeof params.rows === 'number' ? params.rows : undefined
  return {
    format: job.format as GenerateRequest['format'],
    seed: job.seed,
    ...(rows !== undefined ? { rows } : {}),
  }
}

/** Whether the dashboard can make this job's data again (a schema job: from its spec). */
export function canRerun(job: Job): boolean {
  return rerunRequest(job) !== null || job.kind === 'schema'
}

/** The request that makes the same data again; an inline-schema job's spec is fetched. */
export async function rerunBody(job: Job): Promise<GenerateRequest | null> {
  const body = rerunRequest(job)
  if (body || job.kind !== 'schema') return body
  const { spec } = await unwrap(
    api.GET('/api/jobs/{job_id}/spec', { params: { path: { job_id: job.id } } }),
  )
  return { schema: spec, ...commonOf(job) }
}

export async function jobCancel(id: string): Promise<Job> {
  return unwrap(api.POST('/api/jobs/{job_id}/cancel', { params: { path: { job_id: id } } }))
}

export async function jobDelete(id: string): Promise<void> {
  await unwrap(api.DELETE('/api/jobs/{job_id}', { params: { path: { job_id: id } } }))
}

export async function jobSubmit(body: GenerateRequest): Promise<Job> {
  return unwrap(api.POST('/api/generate', { body }))
}
