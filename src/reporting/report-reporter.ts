import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { renderMarkdown } from './markdown-report.ts'
import { buildReport, collectEnvironment, type MemoryReport } from './report-model.ts'
import type { ResolvedReportOptions } from './report-options.ts'
import { collectRows } from './summary-reporter.ts'
import { chartOf, renderChart } from './svg-chart.ts'

export const REPORT_JSON = 'memory-report.json'
export const REPORT_MARKDOWN = 'memory-report.md'
/** Charts of earlier runs match this and are removed, so the folder holds one run. */
const CHART_FILE = /^memory-report-.+\.svg$/

/**
 * Writes the memory report after the run, like Vitest's JSON reporter: build one typed object from
 * the checks' task meta, make the folder, write, say where it went. Nothing is written when no
 * memory check ran.
 */
export class ReportReporter implements Reporter {
  private vitest: Vitest | undefined
  private readonly options: ResolvedReportOptions

  constructor(options: ResolvedReportOptions) {
    this.options = options
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = collectRows(testModules)
    if (rows.length === 0 || !this.vitest) return
    const pools = testModules.map((testModule) => String(testModule.project.config.pool))
    const report = buildReport(rows, {
      root: this.vitest.config.root,
      createdAt: new Date(),
      environment: collectEnvironment(this.vitest.version, pools),
      version: PACKAGE_VERSION,
    })
    try {
      const written = writeReport(report, this.options)
      this.vitest.logger.log(` Memory report: ${path.relative(process.cwd(), written)} (and ${REPORT_JSON}, ${report.checks.length} charts)\n`)
    } catch (error) {
      this.vitest.logger.error(`vitest-memory-budget: could not write the memory report to ${this.options.dir}: ${(error as Error).message}`)
    }
  }
}

/**
 * Writes the JSON, the markdown and one chart per check into `options.dir`, and appends the
 * summary to GitHub's step summary when asked. Returns the markdown's path.
 */
export function writeReport(report: MemoryReport, options: ResolvedReportOptions, env: Record<string, string | undefined> = process.env): string {
  mkdirSync(options.dir, { recursive: true })
  const charts = new Set(report.checks.map((check) => check.chart))
  for (const file of readdirSync(options.dir)) {
    if (CHART_FILE.test(file) && !charts.has(file)) rmSync(path.join(options.dir, file), { force: true })
  }
  for (const check of report.checks) writeFileSync(path.join(options.dir, check.chart), renderChart(chartOf(check)))
  writeFileSync(path.join(options.dir, REPORT_JSON), JSON.stringify(report, null, 2) + '\n')
  const markdown = path.join(options.dir, REPORT_MARKDOWN)
  writeFileSync(markdown, renderMarkdown(report))
  const stepSummary = env.GITHUB_STEP_SUMMARY
  if (options.githubSummary && stepSummary) {
    // Relative images do not resolve on the run's page; details only for checks over budget.
    appendFileSync(stepSummary, renderMarkdown(report, { charts: false, details: 'over' }) + '\n')
  }
  return markdown
}

/** This package's version: package.json is two folders up from both src/reporting and dist/reporting. */
const PACKAGE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
})()
