// The spec language's validator, precompiled at build time (vite.config.ts, specValidator).
declare module 'virtual:spec-validator' {
  import type { ValidateFunction } from 'ajv'
  const validate: ValidateFunction
  export default validate
}
