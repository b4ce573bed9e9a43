// The one API client: openapi-fetch typed by the generated schema, with the session's CSRF
// header on writes and errors turned into ApiError (the server's {"error": {...}} shape).
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'

export interface ErrorDetail {
  path: string
  message: string
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: ErrorDetail[]

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }

  /** The message for one field path (exact, or the first under it), if any. */
  forPath(path: string): string | undefined {
    const hit = this.details.find((d) => d.path === path || d.path.startsWith(`${path}.`))
    return hit?.message
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function csrfToken(cookie: string = document.cookie): string {
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === 'csrftoken') return decodeURIComponent(rest.join('='))
  }
  return ''
}

/** Any body -> ApiError: the server's error shape when it is one, else the HTTP status. */
export function toApiError(status: number, body: unknown): ApiError {
  const err = (body as { error?: unknown } | null)?.error as
    { code?: unknown; message?: unknown; details?: unknown } | undefined
  if (err && typeof err === 'object') {
    const details = Array.isArray(err.details)
      ? (err.details as unknown[]).flatMap((d) => {
          const item = d as { path?: unknown; message?: unknown }
          return typeof item?.message === 'string'
            ? [{ path: String(item.path ?? ''), message: item.message }]
            : []
        })
      : []
    return new ApiError(
      status,
      String(err.code ?? 'error'),
      String(err.message ?? `HTTP ${status}`),
      details,
    )
  }
  return new ApiError(status, 'http_error', `The server answered ${status}.`)
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method)) request.headers.set('X-CSRFToken', csrfToken())
    return request
  },
}

export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  // Looked up on each call so tests can stub globalThis.fetch.
  fetch: (input: Request) => globalThis.fetch(input),
})
api.use(csrf)

/** A list endpoint's page and the total it reports in X-Total-Count (null if absent). */
export async function unwrapPage<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ items: T; total: number | null }> {
  let total: number | null = null
  const items = await unwrap(
    call.then((result) => {
      const header = result.response.headers.get('X-Total-Count')
      total = header === null || header === '' ? null : Number(header)
      return result
    }),
  )
  return { items, total }
}

/** openapi-fetch's {data, error, response} -> data, or throw ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response }
  try {
    result = await call
  } catch (e) {
    throw new ApiError(0, 'network', `The server could not be reached (${String(e)}).`)
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error)
  return result.data as T
}

/**
 * For endpoints that are not in the generated schema yet: same headers, same errors.
 * Moves to `api` as soon as `make schema` brings them in.
 */
export async function request<T>(
  method: string,
  url: string,
  body?: unknown,
  init: RequestInit = {},
): Promise<T> {
  const headers = new Headers(init.headers)
  headers.set('Accept', 'application/json')
  let payload: BodyInit | undefined
  if (body instanceof FormData) payload = body
  else if (body !== undefined) {
    headers.set('Content-Type', 'application/json')
    payload = JSON.stringify(body)
  }
  if (!SAFE_METHODS.has(method.toUpperCase())) headers.set('X-CSRFToken', csrfToken())
  let response: Response
  try {
    response = await globalThis.fetch(url, {
      ...init,
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
    })
  } catch (e) {
    throw new ApiError(0, 'network', `The server could not be reached (${String(e)}).`)
  }
  const text = await response.text()
  let data: unknown = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = text
    }
  }
  if (!response.ok) throw toApiError(response.status, data)
  return data as T
}

/**
 * Upload with progress (fetch has no upload progress): XMLHttpRequest, same CSRF and errors.
 */
export function uploadWithProgress<T>(
  url: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.withCredentials = true
    xhr.setRequestHeader('X-CSRFToken', csrfToken())
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total)
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed (network error).'))
    xhr.onload = () => {
      let data: unknown = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        data = xhr.responseText
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        resolve(data as T)
      } else reject(toApiError(xhr.status, data))
    }
    xhr.send(form)
  })
}
