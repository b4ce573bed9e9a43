import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, csrfToken, request, toApiError, unwrap } from './client'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

describe('the API client', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT'
  })

  it('reads the CSRF token from the cookie', () => {
    expect(csrfToken('a=1; csrftoken=abc%3D; b=2')).toBe('abc=')
    expect(csrfToken('a=1')).toBe('')
  })

  it('turns the server error shape into an ApiError with field paths', () => {
    const err = toApiError(400, {
      error: {
        code: 'invalid_spec',
        message: 'schema.tables.p.rows: must be >= 0',
        details: [{ path: 'schema.tables.p.rows', message: 'must be >= 0' }],
      },
    })
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('invalid_spec')
    expect(err.forPath('schema.tables.p')).toBe('must be >= 0')
    expect(err.forPath('rows')).toBeUndefined()
    expect(toApiError(502, '<html>').message).toMatch(/502/)
  })

  it('sends the CSRF header on writes and throws ApiError on errors', async () => {
    document.cookie = 'csrftoken=tok123'
    const fetchMock = vi.fn(async (_req: Request) =>
      jsonResponse(400, {
        error: {
          code: 'invalid',
          message: 'rows: bad',
          details: [{ path: 'rows', message: 'bad' }],
        },
      }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const call = unwrap(api.POST('/api/generate', { body: { format: 'csv', rows: -1 } }))
    await expect(call).rejects.toMatchObject({
      status: 400,
      details: [{ path: 'rows', message: 'bad' }],
    })
    const sent = fetchMock.mock.calls[0]![0]
    expect(sent.method).toBe('POST')
    expect(sent.headers.get('X-CSRFToken')).toBe('tok123')
  })

  it('does not send the CSRF header on reads', async () => {
    const fetchMock = vi.fn(async (_req: Request) => jsonResponse(200, []))
    vi.stubGlobal('fetch', fetchMock)
    await expect(unwrap(api.GET('/api/jobs'))).resolves.toEqual([])
    expect(fetchMock.mock.calls[0]![0].headers.get('X-CSRFToken')).toBeNull()
  })

  it('reports a network failure as an ApiError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('offline'))),
    )
    await expect(request('GET', '/api/x')).rejects.toMatchObject({ code: 'network', status: 0 })
  })
})
