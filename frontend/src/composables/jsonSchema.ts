// Validation of a spec against the published JSON Schema of the language (draft 2020-12).
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020'

export interface SchemaError {
  path: string
  message: string
}

export function compileSpecSchema(schema: object): ValidateFunction {
  // Pydantic marks tagged unions with OpenAPI's `discriminator`: with it Ajv checks only the
  // branch the `type`/`kind` names, so errors are about that branch, not all of them.
  try {
    return new Ajv2020({ allErrors: true, strict: false, discriminator: true }).compile(schema)
  } catch {
    return new Ajv2020({ allErrors: true, strict: false }).compile(schema)
  }
}

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
}

/**
 * Ajv's errors -> one message per path, the most useful first. Errors from the branches of a
 * union (anyOf/oneOf) are noisy; keep the deepest path's errors and drop the union summaries.
 */
export function schemaErrors(validate: ValidateFunction, value: unknown): SchemaError[] {
  if (validate(value)) return []
  const errors: ErrorObject[] = validate.errors ?? []
  const useful = errors.filter((e) => !['anyOf', 'oneOf', 'if', 'not'].includes(e.keyword))
  const seen = new Map<string, string>()
  for (const e of useful.length ? useful : errors) {
    let path = pointerToPath(e.instancePath)
    let msg = e.message ?? 'is not allowed'
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty?: string }).additionalProperty
      if (extra) {
        path = path ? `${path}.${extra}` : extra
        msg = `unknown key ${JSON.stringify(extra)}`
      }
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? []
      msg = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
    } else if (e.keyword === 'const') {
      continue
    }
    if (!seen.has(path)) seen.set(path, msg)
  }
  return Array.from(seen, ([path, message]) => ({ path, message }))
}
