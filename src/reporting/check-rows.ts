import type { TestModule } from 'vitest/node'
import { META_KEY, verdictOf, type CheckAttempt, type CheckRecord } from './check-record.ts'

/**
 * The checks of a run, as the table, the report and the budget recorder all read them: from the
 * test modules alone (task meta and results), so that a run merged from shards' blobs
 * (`vitest --merge-reports`) gives the same rows as the run itself.
 */

export interface SummaryRow {
  /** The Vitest project the file ran in, when the run has named projects; absent otherwise. */
  project?: string
  /** The test file, relative to the root. */
  file: string
  /** The test's full name. */
  test: string
  record: CheckRecord
  /**
   * The check was made by an attempt of its test that Vitest retried: shown, but the test's later
   * attempt reports for it, so it is not counted.
   */
  earlierAttempt?: boolean
}

/**
 * Every check of the run, in a stable order whatever order files ran or shards merged in: by
 * project and file, then test order within a file, then call order within a test.
 */
export function collectRows(testModules: ReadonlyArray<TestModule>): SummaryRow[] {
  const rows: SummaryRow[] = []
  const modules = [...testModules].sort((a, b) => compare(a.project.name, b.project.name) || compare(a.relativeModuleId, b.relativeModuleId))
  for (const testModule of modules) {
    for (const testCase of testModule.children.allTests()) {
      const records = testCase.meta()[META_KEY] ?? []
      const diagnostic = testCase.diagnostic()
      const earlier = earlierAttempts(records, { retry: diagnostic?.retryCount ?? 0, repeat: diagnostic?.repeatCount ?? 0 })
      records.forEach((record, index) => {
        rows.push({
          // A run without projects has one unnamed project: its rows name none.
          ...(testModule.project.name !== '' && { project: testModule.project.name }),
          file: testModule.relativeModuleId,
          test: testCase.fullName,
          record,
          ...(earlier[index] && { earlierAttempt: true }),
        })
      })
    }
  }
  return rows
}

/**
 * Which of a test's records come from an attempt that was retried: a later attempt of the same
 * repeat ran, seen either in a record of its own or in the test's final counts. Vitest's retry
 * count goes on across repeats, so without repeats this is exact; with them, the last attempt of
 * an earlier repeat that made no check of its own cannot be seen, and its retried attempts count.
 */
export function earlierAttempts(records: readonly Pick<CheckRecord, 'attempt'>[], final: CheckAttempt): boolean[] {
  const attempts = records.map((record) => record.attempt ?? { retry: 0, repeat: 0 })
  return attempts.map(({ retry, repeat }) =>
    (repeat === final.repeat && retry < final.retry) || attempts.some((other) => other.repeat === repeat && other.retry > retry),
  )
}

/** The rows that are the run's checks: earlier attempts of retried tests left out. */
export function countedRows<Row extends Pick<SummaryRow, 'earlierAttempt'>>(rows: readonly Row[]): Row[] {
  return rows.filter((row) => !row.earlierAttempt)
}

export interface RunCounts {
  /** Counted checks, and how each ended. */
  checks: number
  within: number
  over: number
  timedOut: number
  aborted: number
  /** Checks of attempts that were retried, not counted above. */
  earlierAttempts: number
  /** Distinct budgets checked, and toLeakMemory calls (counted checks). */
  budgets: number
  leakChecks: number
}

export function countRows(rows: readonly SummaryRow[]): RunCounts {
  const counted = countedRows(rows)
  const verdicts = counted.map((row) => verdictOf(row.record))
  const count = (verdict: string) => verdicts.filter((v) => v === verdict).length
  return {
    checks: counted.length,
    within: count('within'),
    over: count('over'),
    timedOut: count('timed out'),
    aborted: count('aborted'),
    earlierAttempts: rows.length - counted.length,
    budgets: new Set(counted.flatMap(({ record }) => (record.budget === undefined ? [] : [record.budget]))).size,
    leakChecks: counted.filter(({ record }) => record.matcher === 'toLeakMemory').length,
  }
}

/**
 * The run in one sentence, for the table and the report: `lead` is what matters (bold in the
 * markdown), `rest` the counts after it.
 *
 *   All 3 memory checks within budget (2 budgets checked, 1 leak check).
 *   1 of 3 memory checks over budget, 2 within (2 budgets checked, 1 leak check).
 *   1 of 1 memory check timed out, 0 within (0 budgets checked, 1 leak check).
 *   2 of 4 memory checks did not pass: 1 over budget, 1 timed out; 2 within (3 budgets checked, 1 leak check).
 *   ... Not counted: 2 earlier attempts of retried tests.
 */
export function headline(counts: RunCounts): { lead: string; rest: string } {
  const tally = `(${plural(counts.budgets, 'budget')} checked, ${plural(counts.leakChecks, 'leak check')}).`
  const retried = counts.earlierAttempts === 0
    ? ''
    : ` Not counted: ${counts.earlierAttempts === 1 ? '1 earlier attempt of a retried test' : `${counts.earlierAttempts} earlier attempts of retried tests`}.`
  if (counts.checks === 0) return counts.earlierAttempts === 0 ? { lead: 'No memory check ran', rest: ' in this run.' } : { lead: 'No memory check counted', rest: `.${retried}` }
  const failing: Array<[number, string]> = [[counts.over, 'over budget'], [counts.timedOut, 'timed out'], [counts.aborted, 'aborted']]
  const kinds = failing.filter(([n]) => n > 0)
  const failed = counts.checks - counts.within
  if (kinds.length === 0) return { lead: `All ${plural(counts.checks, 'memory check')} within budget`, rest: ` ${tally}${retried}` }
  const of = `${failed} of ${plural(counts.checks, 'memory check')}`
  if (kinds.length === 1) return { lead: `${of} ${kinds[0]![1]}`, rest: `, ${counts.within} within ${tally}${retried}` }
  return { lead: `${of} did not pass`, rest: `: ${kinds.map(([n, what]) => `${n} ${what}`).join(', ')}; ${counts.within} within ${tally}${retried}` }
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
