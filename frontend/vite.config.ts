/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { specValidatorSource } from './src/composables/jsonSchema'

const SPEC_VALIDATOR = 'virtual:spec-validator'
const SPEC_SCHEMA = fileURLToPath(
  new URL('./src/composables/__fixtures__/spec-jsonschema.json', import.meta.url),
)

/**
 * The spec language's validator, compiled from the published JSON Schema when the app is built
 * (Ajv's standalone code): compiling it in the browser needs `new Function`, which the
 * dashboard's Content-Security-Policy forbids (no 'unsafe-eval'). The schema is the committed
 * fixture, which tests/dashboard/test_spec_schema_fixture.py keeps equal to what the API serves.
 */
function specValidator(): Plugin {
  return {
    name: 'spec-validator',
    resolveId: (source) => (source === SPEC_VALIDATOR ? `\0${SPEC_VALIDATOR}` : null),
    load(id) {
      if (id !== `\0${SPEC_VALIDATOR}`) return null
      this.addWatchFile(SPEC_SCHEMA)
      return specValidatorSource(JSON.parse(readFileSync(SPEC_SCHEMA, 'utf-8')))
    },
  }
}

// Built to dist/ and served by Django + whitenoise under /static/.
// `npm run dev` serves at / (proxying /api to `make run`); the build's assets live at /static/.
export default defineConfig(({ command }) => ({
  plugins: [vue(), specValidator()],
  base: command === 'build' ? '/static/' : '/',
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender'))
            return 'charts'
          if (id.includes('node_modules/@codemirror') || id.includes('node_modules/@lezer'))
            return 'editor'
          if (id.includes('node_modules/naive-ui')) return 'ui'
          return undefined
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8000', '/admin': 'http://127.0.0.1:8000' } },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    restoreMocks: true,
  },
}))
