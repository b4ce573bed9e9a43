import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { stringify as yamlStringify } from 'yaml'
import type { ValidateFunction } from 'ajv'
import { api, ApiError, unwrap } from '@/api/client'
import type { SpecValidation } from '@/api/types'
import specValidator from 'virtual:spec-validator'
import { schemaErrors } from './jsonSchema'
import { parseSpec, placeProblems, type SpecLanguage, type SpecProblem } from './specText'

export const EXAMPLE_SPEC = {
  tables: {
    people: {
      rows: 1000,
      fields: {
        id: { type: 'id' },
        age: { type: 'int', dist: { kind: 'normal', mean: 40, sd: 12 }, min: 18, max: 90 },
        income: { type: 'float', dist: { kind: 'lognormal', mu: 10.5, sigma: 0.6 }, nulls: 0.05 },
        segment: { type: 'category', values: { retail: 0.6, premium: 0.3, private: 0.1 } },
      },
      correlations: [{ fields: ['age', 'income'], rank: 0.4 }],
    },
  },
}

export function specToText(value: unknown, language: SpecLanguage): string {
  return language === 'yaml' ? yamlStringify(value, { indent: 2 }) : JSON.stringify(value, null, 2)
}

/** The published JSON Schema of the spec language's validator, compiled when the app was built
 * (no code is compiled in the browser: the Content-Security-Policy has no 'unsafe-eval'). */
export function loadSpecValidator(): Promise<ValidateFunction | null> {
  return Promise.resolve(specValidator)
}

/** Paths of the spec itself: `spec.tables.t` / `schema.tables.t` -> `tables.t`. */
function relative(
  errors: { path: string; message: string }[],
): { path: string; message: string }[] {
  return errors.map((e) => ({ ...e, path: e.path.replace(/^(spec|schema)(\.|$)/, '') }))
}

function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>()
  return problems.filter((p) => {
    const key = `${p.from}:${p.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The schema being edited: its text and language, and every problem with it placed in the
 * text (syntax now; the JSON Schema and the server's check after a short pause in typing).
 */
export function useSchemaDraft(debounceMs = 400): {
  text: Ref<string>
  language: Ref<SpecLanguage>
  value: Ref<unknown>
  problems: Ref<SpecProblem[]>
  validating: Ref<boolean>
  checkedTables: Ref<Record<string, number>>
  serverChecked: Ref<boolean>
  setLanguage: (lang: SpecLanguage) => void
  setLaunchErrors: (errors: { path: string; message: string }[]) => void
  validateNow: () => Promise<void>
  load: (spec: unknown) => void
} {
  const text = ref(specToText(EXAMPLE_SPEC, 'json'))
  const language = ref<SpecLanguage>('json')
  const parsed = computed(() => parseSpec(text.value, language.value))
  const value = computed(() => parsed.value.value)
  const schemaProblems = shallowRef<SpecProblem[]>([])
  const serverProblems = shallowRef<SpecProblem[]>([])
  const launchProblems = shallowRef<SpecProblem[]>([])
  const validating = ref(false)
  const serverChecked = ref(false)
  const checkedTables = ref<Record<string, number>>({})
  let seq = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  async function validateNow(): Promise<void> {
    const mine = ++seq
    const snapshot = parsed.value
    const textNow = text.value
    if (snapshot.problems.length || snapshot.value === undefined) {
      schemaProblems.value = []
      serverProblems.value = []
      serverChecked.value = false
      return
    }
    validating.value = true
    try {
      const validator = await loadSpecValidator()
      if (mine !== seq) return
      schemaProblems.value = validator
        ? placeProblems(textNow, snapshot, schemaErrors(validator, snapshot.value), 'jsonschema')
        : []
      try {
        const check: SpecValidation = await unwrap(
          api.POST('/api/schemas/validate', { body: { spec: snapshot.value } }),
        )
        if (mine !== seq) return
        serverProblems.value = placeProblems(
          textNow,
          snapshot,
          relative(check.errors ?? []),
          'server',
        )
        // The server's check is the authority (it knows cross-field rules the JSON Schema
        // cannot say); the JSON Schema's errors fill in until it answers, or when it cannot.
        schemaProblems.value = []
        checkedTables.value = check.tables ?? {}
        serverChecked.value = true
      } catch (e) {
        if (mine !== seq) return
        if (e instanceof ApiError && e.status === 400 && e.details.length) {
          serverProblems.value = placeProblems(textNow, snapshot, relative(e.details), 'server')
          schemaProblems.value = []
          serverChecked.value = true
        } else {
          serverProblems.value = []
          serverChecked.value = false
        }
      }
    } finally {
      if (mine === seq) validating.value = false
    }
  }

  watch([text, language], () => {
    launchProblems.value = []
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void validateNow(), debounceMs)
  })

  onScopeDispose(() => {
    seq++ // an answer still on its way is for nobody
    if (timer) clearTimeout(timer)
  })

  function setLanguage(lang: SpecLanguage): void {
    if (lang === language.value) return
    const current = parsed.value.value
    language.value = lang
    if (current !== undefined) text.value = specToText(current, lang)
  }

  function setLaunchErrors(errors: { path: string; message: string }[]): void {
    launchProblems.value = placeProblems(text.value, parsed.value, relative(errors), 'server')
  }

  function load(spec: unknown): void {
    text.value = specToText(spec, language.value)
  }

  const problems = computed(() =>
    dedupe([
      ...parsed.value.problems,
      ...launchProblems.value,
      ...serverProblems.value,
      ...schemaProblems.value,
    ]),
  )

  void validateNow()
  return {
    text,
    language,
    value,
    problems,
    validating,
    checkedTables,
    serverChecked,
    setLanguage,
    setLaunchErrors,
    validateNow,
    load,
  }
}
