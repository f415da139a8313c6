import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
// Brings Vitest's additions to Vite's types: `test` in the config and the `configureVitest` hook.
import type {} from 'vitest/config'
import { SummaryReporter } from '../reporting/summary-reporter.ts'
import { PROVIDE_KEY, resolveWorkerOptions, type MemoryBudgetOptions } from './options.ts'

// The setup file sits next to this module, as .ts in the repo and .js once built.
const setupFile = fileURLToPath(new URL(`./worker-setup${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url))

/**
 * The Vitest plugin: registers the matchers in every worker (through a setup file), hands the
 * workers their options, and adds the summary reporter next to the user's reporters.
 */
export function memoryBudget(options: MemoryBudgetOptions = {}): Plugin {
  let budgetsPath: string | undefined
  return {
    name: 'vitest-memory-budget',
    config(config) {
      const root = config.test?.root ?? config.root ?? process.cwd()
      const workerOptions = resolveWorkerOptions(options, root)
      budgetsPath = workerOptions.budgetsPath
      return { test: { setupFiles: [setupFile], provide: { [PROVIDE_KEY]: workerOptions } } }
    },
    configureVitest({ vitest }) {
      // Pushed here rather than set in config(): a reporter there would replace Vitest's default one.
      if (options.summary !== false) vitest.config.reporters.push(new SummaryReporter())
      // Editing a budget changes verdicts: watch mode reruns the tests, as for a snapshot file.
      // Added to the resolved list so that Vitest's own triggers stay.
      if (budgetsPath) vitest.config.forceRerunTriggers.push(budgetsPath)
    },
  }
}
