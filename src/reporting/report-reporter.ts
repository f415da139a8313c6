import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { collectRows, plural } from './check-rows.ts'
import { renderMarkdown } from './markdown-report.ts'
import { pluginOutput } from './plugin-output.ts'
import { renderComparison } from './compare/render-markdown.ts'
import type { RunComparison } from './compare/run-comparison.ts'
import { buildReport, collectEnvironment, type MemoryReport } from './report-model.ts'
import type { ResolvedReportOptions } from './report-options.ts'
import { chartOf, renderChart } from './svg-chart.ts'

export const REPORT_JSON = 'memory-report.json'
export const REPORT_MARKDOWN = 'memory-report.md'
/** A chart's name, as the report names it: the only files besides the two above the plugin writes. */
const CHART_FILE = /^memory-report-[a-z0-9-]+\.svg$/

/**
 * Writes the memory report after the run, like Vitest's JSON reporter: build one typed object from
 * the checks' task meta, make the folder, write, say where it went. Built from the test modules
 * alone, so that a run merged from shards (`--merge-reports`) writes the same report.
 *
 * A run with no memory check writes nothing where no report was, and replaces an earlier run's
 * report with one that says no check ran, so that what the folder holds is never a stale run.
 */
export class ReportReporter implements Reporter {
  private vitest: Vitest | undefined
  private readonly options: ResolvedReportOptions
  private readonly comparison: RunComparison | undefined

  /** `comparison`: the base run this one is compared with (`compare`), whose comparison the report carries. */
  constructor(options: ResolvedReportOptions, comparison?: RunComparison) {
    this.options = options
    this.comparison = comparison
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const vitest = this.vitest
    if (!vitest) return
    const rows = collectRows(testModules)
    if (rows.length === 0 && earlierChartsIn(this.options.dir) === undefined) return
    const comparison = this.comparison?.of(vitest, testModules)
    const report = { ...reportOfRun(vitest, testModules, rows), ...(comparison && { comparison }) }
    const output = pluginOutput(vitest)
    try {
      const written = path.relative(process.cwd(), writeReport(report, this.options))
      const charts = report.checks.filter((check) => check.chart).length
      output.log(rows.length === 0
        ? ` Memory report: ${written} (no memory check ran)\n`
        : ` Memory report: ${written} (and ${REPORT_JSON}, ${plural(charts, 'chart')})\n`)
    } catch (error) {
      vitest.logger.error(`vitest-memory-budget: could not write the memory report to ${this.options.dir}: ${(error as Error).message}`)
    }
  }
}

/** The report of a run, from its test modules: what the report files hold, and what a comparison compares. */
export function reportOfRun(vitest: Vitest, testModules: ReadonlyArray<TestModule>, rows = collectRows(testModules)): MemoryReport {
  // A browser project's checks ran in a page, whatever its pool says.
  const pools = testModules.map((testModule) => (testModule.project.config.browser?.enabled ? 'browser' : String(testModule.project.config.pool)))
  const browsers = rows.flatMap((row) => (row.record.browser ? [row.record.browser] : []))
  const { shard } = vitest.config
  return buildReport(rows, {
    root: vitest.config.root,
    createdAt: new Date(),
    environment: collectEnvironment(vitest.version, pools, process.env, browsers),
    version: PACKAGE_VERSION,
    ...(shard && { shard: { index: shard.index, count: shard.count } }),
  })
}

/**
 * Writes the JSON, the markdown and one chart per check into `options.dir`, and appends the
 * summary to GitHub's step summary when asked (when a check ran). Charts of the earlier report
 * that this one does not have are removed: only those its JSON names, so that nothing the plugin
 * did not write is ever deleted. Returns the markdown's path.
 */
export function writeReport(report: MemoryReport, options: ResolvedReportOptions, env: Record<string, string | undefined> = process.env): string {
  mkdirSync(options.dir, { recursive: true })
  const charts = new Set(report.checks.flatMap((check) => (check.chart ? [check.chart] : [])))
  for (const file of earlierChartsIn(options.dir) ?? []) {
    if (!charts.has(file)) rmSync(path.join(options.dir, file), { force: true })
  }
  for (const check of report.checks) if (check.chart) writeFileSync(path.join(options.dir, check.chart), renderChart(chartOf(check)))
  writeFileSync(path.join(options.dir, REPORT_JSON), JSON.stringify(report, null, 2) + '\n')
  const markdown = path.join(options.dir, REPORT_MARKDOWN)
  const comparison = report.comparison && renderComparison(report.comparison)
  writeFileSync(markdown, renderMarkdown(report, { ...(comparison && { comparison }) }))
  const stepSummary = env.GITHUB_STEP_SUMMARY
  if (options.githubSummary && stepSummary && report.checks.length > 0) {
    // Relative images do not resolve on the run's page; details only for checks that did not pass.
    appendFileSync(stepSummary, renderMarkdown(report, { charts: false, details: 'over', ...(comparison && { comparison }) }) + '\n')
  }
  return markdown
}

/**
 * The charts the report already in `dir` names, when that report is this plugin's; undefined
 * when there is none (or the JSON there is not ours, or not readable).
 */
function earlierChartsIn(dir: string): string[] | undefined {
  const file = path.join(dir, REPORT_JSON)
  if (!existsSync(file)) return undefined
  try {
    const earlier = JSON.parse(readFileSync(file, 'utf8')) as Partial<MemoryReport>
    if (earlier.generator?.name !== 'vitest-memory-budget' || !Array.isArray(earlier.checks)) return undefined
    return earlier.checks.flatMap((check) => (typeof check?.chart === 'string' && CHART_FILE.test(check.chart) ? [check.chart] : []))
  } catch {
    return undefined
  }
}

/** This package's version: package.json is two folders up from both src/reporting and dist/reporting. */
const PACKAGE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
})()
