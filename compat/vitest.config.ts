import { defineConfig } from 'vitest/config'

// The outer run of scripts/compat.sh, inside the folder it lays out for one combination (a copy of
// the repository's tests and dist/ whose node_modules holds the Vitest under test). Settings as in
// the repository's own vitest.config.ts; results go to a JSON file the script counts.
export default defineConfig({
  test: {
    include: ['test/integration/*.test.ts', 'compat/probe/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: '.compat-results.json' }]],
  },
})
