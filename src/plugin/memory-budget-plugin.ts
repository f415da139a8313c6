import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
// Brings Vitest's additions to Vite's types: `test` in the config and the `configureVitest` hook.
import type {} from 'vitest/config'
import type { Vitest } from 'vitest/node'
import { resolveHeadroom } from '../budgets/record-budget.ts'
import { BudgetRecorder } from '../reporting/budget-recorder.ts'
import { resolveReportOptions } from '../reporting/report-options.ts'
import { ReportReporter } from '../reporting/report-reporter.ts'
import { SummaryReporter } from '../reporting/summary-reporter.ts'
import { warnOnUnsupportedNode } from './node-version.ts'
import { resolveWorkerOptions, type MemoryBudgetOptions } from './options.ts'
import { RecordingSwitch } from './recording-switch.ts'

// The setup file sits next to this module, as .ts in the repo and .js once built.
const setupFile = fileURLToPath(new URL(`./worker-setup${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url))

// One set of reporters per Vitest instance, however many projects use the plugin: each project's
// configureVitest call would otherwise print the table and write the report once more.
const switches = new WeakMap<Vitest, RecordingSwitch>()

/**
 * The Vitest plugin: registers the matchers in every worker (through a setup file), hands the
 * workers their options, and adds the summary reporter next to the user's reporters.
 */
export function memoryBudget(options: MemoryBudgetOptions = {}): Plugin {
  warnOnUnsupportedNode()
  // Validated when the plugin is created: a wrong option fails the config, not the end of the run.
  const headroom = resolveHeadroom(options.record?.headroom)
  return {
    name: 'vitest-memory-budget',
    config() {
      return { test: { setupFiles: [setupFile] } }
    },
    configureVitest({ vitest, project }) {
      let recording = switches.get(vitest)
      if (!recording) {
        recording = new RecordingSwitch(vitest)
        switches.set(vitest, recording)
        // Pushed here rather than set in config(): a reporter there would replace Vitest's default one.
        if (options.summary !== false) vitest.config.reporters.push(new SummaryReporter())
        const report = resolveReportOptions(options.report, vitest.config.root)
        if (report) vitest.config.reporters.push(new ReportReporter(report))
        vitest.config.reporters.push(recording, new BudgetRecorder(recording, headroom))
      }
      // A project that shares the Vite server of the config declaring it (Vitest 5's inline projects
      // of the same root) never sees config()'s setup file: give it here.
      if (!project.config.setupFiles.includes(setupFile)) project.config.setupFiles.push(setupFile)
      // Each project has its own root, so its own budget file.
      const workerOptions = resolveWorkerOptions(options, project.config.root)
      recording.add(project, workerOptions)
      // Editing a budget changes verdicts: watch mode reruns the tests, as for a snapshot file.
      // Added to the resolved list so that Vitest's own triggers stay.
      const triggers = vitest.config.forceRerunTriggers
      if (!triggers.includes(workerOptions.budgetsPath)) triggers.push(workerOptions.budgetsPath)
    },
  }
}
