import path from 'node:path'

/**
 * The report files, on the plugin: `memoryBudget({ report: { dir: 'reports/memory' } })`, or
 * `memoryBudget({ report: false })` for none. The terminal table is `summary`, apart from these.
 */
export interface ReportOptions {
  /**
   * Folder for `memory-report.md`, `memory-report.json` and the charts, relative to the Vitest root.
   * @default 'memory-report'
   */
  dir?: string
  /**
   * When the environment variable `GITHUB_STEP_SUMMARY` names a file (GitHub Actions), append the
   * report's summary to it, so that the run's page shows it.
   * @default true
   */
  githubSummary?: boolean
}

/** The report option as the plugin takes it: `false` writes no files. @default {} */
export type ReportOption = ReportOptions | false

export interface ResolvedReportOptions {
  /** Absolute folder. */
  dir: string
  githubSummary: boolean
}

export const DEFAULT_REPORT_DIR = 'memory-report'

/** undefined when reports are off. @throws TypeError for an option of the wrong type, naming it. */
export function resolveReportOptions(option: ReportOption | undefined, root: string): ResolvedReportOptions | undefined {
  if (option === false) return undefined
  if (option !== undefined && (typeof option !== 'object' || option === null || Array.isArray(option))) {
    throw new TypeError(`memoryBudget({ report }): expected an object such as { dir: 'memory-report' } or false, got ${JSON.stringify(option)}`)
  }
  const { dir = DEFAULT_REPORT_DIR, githubSummary = true } = option ?? {}
  if (typeof dir !== 'string' || dir.trim() === '') {
    throw new TypeError(`memoryBudget({ report: { dir } }): expected a folder such as 'memory-report', got ${JSON.stringify(dir)}`)
  }
  return { dir: path.resolve(root, dir), githubSummary: githubSummary !== false }
}
