// Validation of a spec against the published JSON Schema of the language (draft 2020-12).
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020'
import standaloneCode from 'ajv/dist/standalone'

export interface SchemaError {
  path: string
  message: string
}

/**
 * The published schema, made fit for Ajv's `discriminator` option. Pydantic marks tagged
 * unions with OpenAPI's `discriminator` including a `mapping` (tag -> $ref), which Ajv refuses
 * ("discriminator: mapping is not supported"); Ajv reads the same mapping from each branch's
 * `const`/`enum` tag, so dropping it loses nothing. Ajv also lets a non-object through a
 * discriminated `oneOf` untested, while every branch is an object: say so with `type`.
 */
export function forAjv(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forAjv)
  if (schema === null || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) out[key] = forAjv(value)
  const disc = (schema as { discriminator?: unknown }).discriminator
  if (disc && typeof disc === 'object' && 'propertyName' in disc) {
    out.discriminator = { propertyName: (disc as { propertyName: unknown }).propertyName }
    out.type ??= 'object'
  }
  return out
}

export function compileSpecSchema(schema: object): ValidateFunction {
  // With `discriminator` Ajv checks only the branch the `type`/`kind` names, so errors are about
  // that branch. Without it every branch of a union reports (`unknown key "mean"` from
  // `uniform` for a valid normal): only a schema Ajv cannot compile so falls back to that.
  try {
    return new Ajv2020({ allErrors: true, strict: false, discriminator: true }).compile(
      forAjv(schema) as object,
    )
  } catch (e) {
    console.warn('JSON Schema: tagged unions are checked branch by branch:', e)
    return new Ajv2020({ allErrors: true, strict: false }).compile(schema)
  }
}

/**
 * The ES module source of the spec schema's validator (Ajv standalone code, the same options
 * as compileSpecSchema), for the build: see vite.config.ts. Browsers then never compile it.
 */
export function specValidatorSource(schema: object): string {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    discriminator: true,
    code: { source: true, esm: true },
  })
  return standaloneCode(ajv, ajv.compile(forAjv(schema) as object))
}

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key
}

function isUnder(path: string, parent: string): boolean {
  return path === parent || parent === '' || path.startsWith(`${parent}.`)
}

/**
 * Ajv's errors -> one message per path, the most useful first. Errors from the branches of a
 * union (anyOf/oneOf) are noisy: drop the union summaries, and a branch's "must be <type>" at a
 * path where another branch found something more precise (`dist` is an object with a bad
 * `sd`, so its `anyOf: [..., null]`'s "must be null" says nothing).
 */
export function schemaErrors(validate: ValidateFunction, value: unknown): SchemaError[] {
  if (validate(value)) return []
  const errors: ErrorObject[] = validate.errors ?? []
  const useful = errors.filter((e) => !['anyOf', 'oneOf', 'if', 'not'].includes(e.keyword))
  const found: { path: string; message: string; keyword: string }[] = []
  for (const e of useful.length ? useful : errors) {
    let path = pointerToPath(e.instancePath)
    let msg = e.message ?? 'is not allowed'
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty?: string }).additionalProperty
      if (extra) {
        path = join(path, extra)
        msg = `unknown key ${JSON.stringify(extra)}`
      }
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? []
      msg = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
    } else if (e.keyword === 'discriminator') {
      const { error, tag, tagValue } = e.params as {
        error?: string
        tag?: string
        tagValue?: unknown
      }
      if (tag) {
        msg =
          error === 'mapping'
            ? `unknown ${tag} ${JSON.stringify(tagValue)}`
            : `must have a ${JSON.stringify(tag)} (text)`
        if (error === 'mapping') path = join(path, tag)
      }
    } else if (e.keyword === 'const') {
      continue
    }
    found.push({ path, message: msg, keyword: e.keyword })
  }
  // A "must be <type>" where another branch looked deeper, or found more than a type, is noise.
  const precise = found.filter(
    (f) =>
      f.keyword !== 'type' ||
      !found.some(
        (g) => g !== f && isUnder(g.path, f.path) && (g.path !== f.path || g.keyword !== 'type'),
      ),
  )
  const seen = new Map<string, string>()
  for (const f of precise) if (!seen.has(f.path)) seen.set(f.path, f.message)
  return Array.from(seen, ([path, message]) => ({ path, message }))
}
