import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { plural } from '../check-rows.ts'
import { pluginOutput } from '../plugin-output.ts'
import { reportOfRun } from '../report-reporter.ts'
import type { ResolvedCompare } from './compare-option.ts'
import { compareReports } from './compare-reports.ts'
import type { CheckComparison, Comparison } from './comparison.ts'
import { headline } from './render-markdown.ts'
import { readReport, ReportReadError } from './read-report.ts'

/**
 * The comparison of a run with the base report the plugin was given, made once per run and read by
 * the table (its delta column), the report (its section and `comparison`) and CompareReporter (the
 * verdict). A base that cannot be read is said once, and the run goes on without a comparison.
 */
export class RunComparison {
  readonly options: ResolvedCompare
  private made: { run: ReadonlyArray<TestModule>; comparison: Comparison | undefined; byHead?: Array<CheckComparison | undefined>; problem?: string } | undefined

  constructor(options: ResolvedCompare) {
    this.options = options
  }

  /** The comparison of this run (the same object for every reporter), or undefined when the base could not be read. */
  of(vitest: Vitest, testModules: ReadonlyArray<TestModule>): Comparison | undefined {
    if (this.made?.run !== testModules) this.made = { run: testModules, ...this.make(vitest, testModules) }
    return this.made.comparison
  }

  /**
   * Each of this run's checks as compared, in the report's order: the order of its counted rows
   * (earlier attempts of retried tests left out). Empty without a comparison.
   */
  byCheck(vitest: Vitest, testModules: ReadonlyArray<TestModule>): Array<CheckComparison | undefined> {
    this.of(vitest, testModules)
    return this.made?.byHead ?? []
  }

  /** Why this run has no comparison, once `of` was asked. */
  problem(): string | undefined {
    return this.made?.problem
  }

  private make(vitest: Vitest, testModules: ReadonlyArray<TestModule>): { comparison: Comparison | undefined; byHead?: Array<CheckComparison | undefined>; problem?: string } {
    try {
      // Named as given, read from the root.
      const base = readReport(this.options.shown, 'base', () => readFileSync(this.options.base, 'utf8'))
      const head = reportOfRun(vitest, testModules)
      const comparison = compareReports(base, head, { ...(this.options.failOn && { failOn: this.options.failOn }) })
      comparison.base.file = toPosix(path.relative(vitest.config.root, this.options.base))
      const byId = new Map(comparison.checks.map((check) => [check.ids.head, check]))
      return { comparison, byHead: head.checks.map((check) => byId.get(check.id)) }
    } catch (error) {
      // Only a base that cannot be read is the user's to fix; anything else is a bug, and surfaces.
      if (!(error instanceof ReportReadError)) throw error
      return { comparison: undefined, problem: error.message }
    }
  }
}

/**
 * Says what the comparison found, after the table and the report, and fails the run (exit code 1)
 * when an increase beyond noise went over a `failOn` limit and the environments compare.
 */
export class CompareReporter implements Reporter {
  private vitest: Vitest | undefined
  private readonly comparison: RunComparison

  constructor(comparison: RunComparison) {
    this.comparison = comparison
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const vitest = this.vitest
    if (!vitest) return
    const comparison = this.comparison.of(vitest, testModules)
    const output = pluginOutput(vitest)
    if (!comparison) {
      output.log(` Memory comparison: none, ${this.comparison.problem()}\n`)
      return
    }
    output.log(` Memory comparison with ${comparison.base.file}: ${headline(comparison).replace(/\*\*/g, '')}\n`)
    const { regressions } = comparison
    if (regressions.length === 0) return
    const lines = regressions.map((regression) => `   ${regression.message}\n`).join('')
    if (!comparison.fails) {
      const differences = comparison.environment.differences.filter((d) => !d.minor).map((d) => `${d.key} ${d.base} -> ${d.head}`).join(', ')
      output.log(` ${plural(regressions.length, 'increase')} over failOn, not failing: the runs differ in ${differences}, so their figures do not compare\n${lines}`)
      return
    }
    vitest.logger.error(` Memory regressions: ${plural(regressions.length, 'increase')} beyond noise over failOn\n${lines}`)
    process.exitCode = 1
  }
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/')
}
