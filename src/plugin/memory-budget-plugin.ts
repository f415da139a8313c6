import type { Plugin } from 'vite'
// Brings Vitest's additions to Vite's types: `test` in the config and the `configureVitest` hook.
import type {} from 'vitest/config'
import type { BrowserCommandContext, TestProject, Vitest } from 'vitest/node'
import { resolveHeadroom } from '../budgets/record-budget.ts'
import { removeDeadSnapshotFolders } from '../checks/snapshot-folders.ts'
import { BudgetRecorder } from '../reporting/budget-recorder.ts'
import { failOnWithoutBase, resolveCompare, validateCompareOptions } from '../reporting/compare/compare-option.ts'
import { CompareReporter, RunComparison } from '../reporting/compare/run-comparison.ts'
import { resolveReportOptions } from '../reporting/report-options.ts'
import { ReportReporter } from '../reporting/report-reporter.ts'
import { SummaryReporter } from '../reporting/summary-reporter.ts'
import { abortBrowserCheck, runBrowserCheck } from './browser-command.ts'
import { ABORT_COMMAND, CHECK_COMMAND, TIMEOUT_COMMAND } from './browser-names.ts'
import { callsMemoryMatcher } from './calls-matcher.ts'
import { warnOnUnsupportedNode } from './node-version.ts'
import { resolveSnapshotHeapLimit, resolveWorkerOptions, validateTestTimeout, type MemoryBudgetOptions } from './options.ts'
import { RecordingSwitch } from './recording-switch.ts'
import { browserSetupFile, setupFile } from './setup-files.ts'


/** What a browser project's checks run through in the main process (browser-command.ts). */
const browserCommands = {
  [CHECK_COMMAND]: runBrowserCheck,
  [ABORT_COMMAND]: abortBrowserCheck,
  [TIMEOUT_COMMAND]: (context: BrowserCommandContext) => callsMemoryMatcher(context.testPath),
}

// One set of reporters per Vitest instance, however many projects use the plugin: each project's
// configureVitest call would otherwise print the table and write the report once more.
const switches = new WeakMap<Vitest, RecordingSwitch>()

const PLUGIN_NAME = 'vitest-memory-budget'

/**
 * The Vitest plugin: registers the matchers in every worker (through a setup file), hands the
 * workers their options, and adds the summary reporter next to the user's reporters.
 */
export function memoryBudget(options: MemoryBudgetOptions = {}): Plugin {
  warnOnUnsupportedNode()
  // Validated when the plugin is created: a wrong option fails the config, not the end of the run.
  const headroom = resolveHeadroom(options.record?.headroom)
  validateTestTimeout(options.testTimeout)
  resolveSnapshotHeapLimit(options.snapshotHeapLimit)
  validateCompareOptions(options.compare, options.failOn)
  return {
    name: PLUGIN_NAME,
    config(config) {
      // A browser project must never see the Node setup file: Vite's dependency optimizer would crawl
      // the engine's imports (node:inspector, worker threads, native modules) for the page. It gets
      // the commands its checks run through, merged with the user's own.
      const browser = config.test?.browser?.enabled === true
      return { test: { setupFiles: [browser ? browserSetupFile : setupFile], ...(browser && { browser: { commands: browserCommands } }) } }
    },
    configureVitest({ vitest, project }) {
      let recording = switches.get(vitest)
      if (!recording) {
        recording = new RecordingSwitch(vitest)
        switches.set(vitest, recording)
        // Heap snapshot folders of runs that were killed (30 MB a check): their finally never ran.
        removeDeadSnapshotFolders()
        // Pushed here rather than set in config(): a reporter there would replace Vitest's default one.
        const compare = resolveCompare(options.compare, options.failOn, vitest.config.root)
        const comparison = compare && new RunComparison(compare)
        const noBase = failOnWithoutBase(options.failOn, compare)
        if (noBase) vitest.logger.warn(noBase)
        if (options.summary !== false) vitest.config.reporters.push(new SummaryReporter(comparison))
        const report = resolveReportOptions(options.report, vitest.config.root)
        if (report) vitest.config.reporters.push(new ReportReporter(report, comparison))
        if (comparison) vitest.config.reporters.push(new CompareReporter(comparison))
        vitest.config.reporters.push(recording, new BudgetRecorder(recording, headroom))
      }
      const adopt = (each: TestProject) => {
        placeSetupFile(each.config)
        if (each.config.browser?.enabled) Object.assign((each.config.browser.commands ??= {}), browserCommands)
        // Each project has its own root, so its own budget file.
        const workerOptions = resolveWorkerOptions(options, each.config.root, each.config.testTimeout, each.config.browser?.enabled === true)
        recording.add(each, workerOptions)
        // Editing a budget changes verdicts: watch mode reruns the tests, as for a snapshot file.
        // Added to the resolved list so that Vitest's own triggers stay.
        const triggers = vitest.config.forceRerunTriggers
        if (!triggers.includes(workerOptions.budgetsPath)) triggers.push(workerOptions.budgetsPath)
      }
      adopt(project)
      // A project with a config file of its own (`projects: ['packages/*']`) does not inherit the root
      // config's plugins: its tests would fail on "Invalid Chai property". The plugin of the config
      // that declares the projects applies to those that lack it, with that config's options. Vitest
      // calls this hook once every project exists.
      for (const other of vitest.projects) if (!recording.has(other) && !hasOwnPlugin(other)) adopt(other)
    },
  }
}

/**
 * Puts the plugin's setup file first in a project's list, so that it runs before the user's own
 * setup files: the tool takes its timers and clock when it loads, before any of the user's code can
 * fake or replace them. A project that shares the Vite server of the config declaring it (Vitest 5's
 * inline projects of the same root) never sees config()'s setup file, so it is given here too. A
 * browser project gets the setup file that only says checks do not run there: the engine cannot
 * load in a page, and would fail the import of every test file.
 */
function placeSetupFile(config: { setupFiles: string[]; browser?: { enabled?: boolean } }): void {
  const own = config.browser?.enabled ? browserSetupFile : setupFile
  const others = config.setupFiles.filter((file) => file !== setupFile && file !== browserSetupFile)
  config.setupFiles.splice(0, config.setupFiles.length, own, ...others)
}

/** The project's own Vite config lists the plugin: its own configureVitest call sets it up. */
function hasOwnPlugin(project: TestProject): boolean {
  return project.vite.config.plugins.some((plugin) => plugin.name === PLUGIN_NAME)
}
