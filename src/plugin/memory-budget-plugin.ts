import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
// Brings Vitest's additions to Vite's types: `test` in the config and the `configureVitest` hook.
import type {} from 'vitest/config'
import { resolveHeadroom } from '../budgets/record-budget.ts'
import { recordingDecision } from '../budgets/update-mode.ts'
import { BudgetRecorder } from '../reporting/budget-recorder.ts'
import { resolveReportOptions } from '../reporting/report-options.ts'
import { ReportReporter } from '../reporting/report-reporter.ts'
import { SummaryReporter } from '../reporting/summary-reporter.ts'
import { PROVIDE_KEY, resolveWorkerOptions, type MemoryBudgetOptions, type WorkerOptions } from './options.ts'

// The setup file sits next to this module, as .ts in the repo and .js once built.
const setupFile = fileURLToPath(new URL(`./worker-setup${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url))

/**
 * The Vitest plugin: registers the matchers in every worker (through a setup file), hands the
 * workers their options, and adds the summary reporter next to the user's reporters.
 */
export function memoryBudget(options: MemoryBudgetOptions = {}): Plugin {
  let workerOptions: WorkerOptions | undefined
  // Validated when the plugin is created: a wrong option fails the config, not the end of the run.
  const headroom = resolveHeadroom(options.record?.headroom)
  return {
    name: 'vitest-memory-budget',
    config(config) {
      const root = config.test?.root ?? config.root ?? process.cwd()
      workerOptions = resolveWorkerOptions(options, root)
      return { test: { setupFiles: [setupFile], provide: { [PROVIDE_KEY]: workerOptions } } }
    },
    configureVitest({ vitest, project }) {
      // Pushed here rather than set in config(): a reporter there would replace Vitest's default one.
      if (options.summary !== false) vitest.config.reporters.push(new SummaryReporter())
      const report = resolveReportOptions(options.report, vitest.config.root)
      if (report) vitest.config.reporters.push(new ReportReporter(report))
      vitest.config.reporters.push(new BudgetRecorder(headroom))
      // Whether this run records budgets is decided here, once, and handed to the workers: they let
      // budget checks pass only when the recorder will write.
      const recording = recordingDecision(vitest.config.snapshotOptions.updateSnapshot).record
      if (workerOptions) project.provide(PROVIDE_KEY, { ...workerOptions, recording })
      // Editing a budget changes verdicts: watch mode reruns the tests, as for a snapshot file.
      // Added to the resolved list so that Vitest's own triggers stay.
      if (workerOptions) vitest.config.forceRerunTriggers.push(workerOptions.budgetsPath)
    },
  }
}
