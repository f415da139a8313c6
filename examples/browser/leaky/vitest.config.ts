import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig } from 'vitest/config'
import base from '../vitest.config.ts'

/**
 * THE LEAKY TWIN, which FAILS ON PURPOSE: `npm run example:browser:leak`. Its own tests, budget file
 * (a copy of the example's) and report; never record its budget with -u, which would write the leak in.
 */
export default mergeConfig(base, defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: { include: ['*.test.ts'] },
}))
