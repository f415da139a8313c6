import { readFileSync } from 'node:fs'
import { REPORT_VERSION, type MemoryReport } from '../report-model.ts'

/** A report that cannot be compared: the message names the file and what was expected. */
export class ReportReadError extends Error {
  override name = 'ReportReadError'
}

const EXPECTED = `a memory-report.json written by vitest-memory-budget (report version ${REPORT_VERSION})`

/**
 * Reads a memory report to compare, checking what the comparison reads of it (its version, its
 * environment, each check's identity and verdict) so that a wrong file fails here with its name,
 * not later as a TypeError.
 *
 * @param role which report it is, for messages: `base`, `head`.
 * @throws ReportReadError for a missing or unreadable file, one that is not JSON, or not a report of this version.
 */
export function readReport(file: string, role: string, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): MemoryReport {
  let text: string
  try {
    text = read(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message
    throw new ReportReadError(`${role} report ${file}: cannot read it (${why}); expected ${EXPECTED}`)
  }
  let report: unknown
  try {
    report = JSON.parse(text)
  } catch (error) {
    throw new ReportReadError(`${role} report ${file}: not JSON (${(error as Error).message.replaceAll('\n', '\\n')}); expected ${EXPECTED}`)
  }
  const problem = problemOf(report)
  if (problem) throw new ReportReadError(`${role} report ${file}: ${problem}; expected ${EXPECTED}`)
  return report as MemoryReport
}

/** What makes a parsed value not a report this version compares, or undefined. */
function problemOf(report: unknown): string | undefined {
  if (!isObject(report)) return 'not a memory report (not a JSON object)'
  const generator = report.generator
  if (!isObject(generator) || generator.name !== 'vitest-memory-budget') return 'not a memory report (no "generator": { "name": "vitest-memory-budget" })'
  if (report.version !== REPORT_VERSION) return `report version ${JSON.stringify(report.version)}, which this version of the package does not read`
  if (!isObject(report.environment) || typeof report.environment.node !== 'string' || !Array.isArray(report.environment.pools)) return 'no "environment" with "node" and "pools"'
  if (!Array.isArray(report.checks)) return 'no "checks" list'
  const index = report.checks.findIndex((check) => !isObject(check) || typeof check.file !== 'string' || typeof check.test !== 'string' || typeof check.verdict !== 'string' || !Array.isArray(check.findings))
  if (index >= 0) return `checks[${index}] lacks its "file", "test", "verdict" or "findings"`
  return undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
