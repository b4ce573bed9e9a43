import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { NSelect } from 'naive-ui'
import DataSource from './DataSource.vue'
import type { Dataset } from '@/api/types'

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

const PATIENTS: Dataset = {
  id: 'd1',
  name: 'patients',
  format: 'csv',
  size: 2048,
  rows: 120,
  columns: 4,
  metadata: {
    primary_key: 'id',
    columns: {
      id: { sdtype: 'id' },
      email: { sdtype: 'categorical', identifier: 'email' },
      phone: { sdtype: 'categorical', identifier: 'phone' },
      age: { sdtype: 'numerical' },
    },
  },
  created_at: '2026-01-01T10:00:00Z',
  updated_at: '2026-01-01T10:00:00Z',
}

/** Stands in for the browser's XMLHttpRequest: the test moves the upload along by hand. */
class FakeUpload {
  static last: FakeUpload | null = null
  upload: {
    onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null
  } = {
    onprogress: null,
  }
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  status = 0
  responseText = ''
  withCredentials = false
  method = ''
  url = ''
  sent: FormData | null = null
  open(method: string, url: string): void {
    this.method = method
    this.url = url
  }
  setRequestHeader(): void {}
  send(body: FormData): void {
    this.sent = body
    FakeUpload.last = this
  }
  progress(loaded: number, total: number): void {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total })
  }
  finish(status: number, body: unknown): void {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.onload?.()
  }
}

/** The lists DataSource loads on mount, and the metadata PATCH answered by `patch`. */
function server(
  patch: (body: unknown) => Response = (b) => respond(b),
  datasets: Dataset[] = [PATIENTS],
) {
  const patches: unknown[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      const path = new URL(req.url, 'http://x').pathname
      if (path === '/api/datasets') return respond(datasets)
      if (path === '/api/synthesizers')
        return respond([
          { name: 'gaussian_copula', title: 'Gaussian copula', license: 'MIT', available: true },
        ])
      if (path === '/api/models') return respond([])
      if (req.method === 'PATCH' && path === '/api/datasets/d1') {
        const body = await req.json()
        patches.push(body)
        return patch(body)
      }
      return respond({ error: { code: 'not_found', message: 'no', details: [] } }, 404)
    }),
  )
  return patches
}

function selectByLabel(w: VueWrapper, label: string) {
  return w.findAllComponents(NSelect).find((s) => s.attributes('aria-label') === label)!
}

async function choosePatients(w: VueWrapper): Promise<void> {
  selectByLabel(w, 'Earlier uploads').vm.$emit('update:value', 'd1')
  await flushPromises()
}

function rowOf(w: VueWrapper, column: string) {
  return w
    .get('[data-testid=metadata-table]')
    .findAll('tbody tr')
    .find((r) => r.find('td').text() === column)!
}

describe('DataSource', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    FakeUpload.last = null
  })

  it('shows the upload advancing, then the detected table', async () => {
    server()
    vi.stubGlobal('XMLHttpRequest', FakeUpload)
    const w = mount(DataSource, { props: { model: null } })
    await flushPromises()

    const input = w.get('[data-testid=dataset-file]')
    const file = new File(['id,email,age\n1,a@x.org,30\n2,b@x.org,40\n'], 'patients.csv', {
      type: 'text/csv',
    })
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
    await input.trigger('change')
    await flushPromises()

    const xhr = FakeUpload.last!
    expect(xhr.method).toBe('POST')
    expect(xhr.url).toBe('/api/datasets')
    expect((xhr.sent!.get('file') as File).name).toBe('patients.csv')
    const shown = () => w.get('[data-testid=upload-progress]').attributes('aria-label')
    expect(shown()).toBe('Upload 0%')
    xhr.progress(25, 100)
    await flushPromises()
    expect(shown()).toBe('Upload 25%')
    xhr.progress(80, 100)
    await flushPromises()
    expect(shown()).toBe('Upload 80%')

    xhr.finish(201, { ...PATIENTS, id: 'd2' })
    await flushPromises()
    expect(w.find('[data-testid=upload-progress]').exists()).toBe(false)
    expect(w.get('[data-testid=metadata-review]').text()).toContain('120 rows')
  })

  it('says why an upload was refused', async () => {
    server()
    vi.stubGlobal('XMLHttpRequest', FakeUpload)
    const w = mount(DataSource, { props: { model: null } })
    await flushPromises()
    const input = w.get('[data-testid=dataset-file]')
    Object.defineProperty(input.element, 'files', {
      value: [new File(['x'], 'notes.txt')],
      configurable: true,
    })
    await input.trigger('change')
    await flushPromises()
    FakeUpload.last!.finish(400, {
      error: { code: 'invalid', message: 'file: must be CSV or Parquet', details: [] },
    })
    await flushPromises()
    expect(w.get('[data-testid=upload-error]').text()).toContain('must be CSV or Parquet')
  })

  it('flags the identifier columns it detected', async () => {
    server()
    const w = mount(DataSource, { props: { model: null } })
    await flushPromises()
    await choosePatients(w)
    const review = w.get('[data-testid=metadata-review]')
    expect(review.text()).toContain('2 identifier column(s): replaced by fakes, never learned')
    expect(selectByLabel(w, 'Identifier kind of email').props('value')).toBe('email')
    expect(selectByLabel(w, 'Identifier kind of phone').props('value')).toBe('phone')
    expect(selectByLabel(w, 'Identifier kind of age').props('value')).toBeNull()

    selectByLabel(w, 'Identifier kind of phone').vm.$emit('update:value', null)
    await flushPromises()
    expect(review.text()).toContain('1 identifier column(s)')
  })

  it('warns of the broken sequences the server found (entity and row)', async () => {
    const warning =
      "metadata.sequence_index: 'day' repeats within entity 'S1' (value 2015-01-06 at row 25)"
    const broken: Dataset = {
      ...PATIENTS,
      metadata: {
        ...(PATIENTS.metadata as Record<string, unknown>),
        sequence_key: 'email',
        sequence_index: 'age',
        sequence_warnings: [warning],
      },
    }
    server(undefined, [broken])
    const w = mount(DataSource, { props: { model: null } })
    await flushPromises()
    await choosePatients(w)
    const alerts = w.findAll('[data-testid=sequence-warning]')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]!.text()).toContain("entity 'S1'")
    expect(alerts[0]!.text()).toContain('refused until it is fixed')
  })

  it('shows no sequence warning where the server found none', async () => {
    server()
    const w = mount(DataSource, { props: { model: null } })
    await flushPromises()
    await choosePatients(w)
    expect(w.findAll('[data-testid=sequence-warning]')).toHaveLength(0)
  })

  it('places the server’s metadata errors at their column', async () => {
    // As the API answers a wrong edit: the JSON path leads the message, details are empty.
    let answer: Response = respond({})
    const patches = server(() => answer)
    const w = mount(DataSource, { props: { model: null } })
    await flushPromises()
    await choosePatients(w)
    const save = () => w.findAll('button').find((b) => b.text() === 'Save changes')!

    answer = respond(
      {
        error: {
          code: 'invalid',
          message: 'metadata.columns.age.sdtype: must be one of numerical, categorical',
          details: null,
        },
      },
      400,
    )
    selectByLabel(w, 'Type of age').vm.$emit('update:value', 'datetime')
    await flushPromises()
    expect(save().attributes('disabled')).toBeUndefined()
    await save().trigger('click')
    await flushPromises()
    expect(patches).toHaveLength(1)
    const sent = patches[0] as { metadata: { columns: Record<string, { sdtype: string }> } }
    expect(sent.metadata.columns.age!.sdtype).toBe('datetime')
    expect(rowOf(w, 'age').get('[role=alert]').text()).toBe('must be one of numerical, categorical')
    expect(rowOf(w, 'email').find('[role=alert]').exists()).toBe(false)
    expect(selectByLabel(w, 'Type of age').props('status')).toBe('error')
    expect(selectByLabel(w, 'Type of email').props('status')).toBeUndefined()

    answer = respond(
      {
        error: {
          code: 'invalid',
          message: 'x',
          details: [
            { path: 'metadata.columns.email.identifier', message: 'must be null or one of email' },
            { path: 'metadata.columns.id.datetime_format', message: 'must be a strftime format' },
            { path: 'metadata.primary_key', message: "metadata.primary_key: unknown column 'x'" },
          ],
        },
      },
      400,
    )
    await save().trigger('click')
    await flushPromises()
    expect(rowOf(w, 'age').find('[role=alert]').exists()).toBe(false)
    expect(rowOf(w, 'email').get('[role=alert]').text()).toBe('must be null or one of email')
    expect(selectByLabel(w, 'Identifier kind of email').props('status')).toBe('error')
    expect(rowOf(w, 'id').get('[role=alert]').text()).toBe('must be a strftime format')
    // What belongs to no column is said under the table.
    expect(w.get('[data-testid=metadata-review]').text()).toContain(
      "metadata.primary_key: unknown column 'x'",
    )
  })
})
