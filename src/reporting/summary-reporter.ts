import { styleText } from 'node:util'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { formatRate, formatSize } from '../budgets/sizes.ts'
import { META_KEY, type CheckRecord } from './check-record.ts'

export interface SummaryRow {
  /** The test file, relative to the root. */
  file: string
  /** The test's full name. */
  test: string
  record: CheckRecord
}

/**
 * Prints one table of every memory check after the run: what was checked, the figures, the verdict.
 * Figures come only from task meta, so the table shows exactly what the matchers judged.
 */
export class SummaryReporter implements Reporter {
  private vitest: Vitest | undefined

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = collectRows(testModules)
    if (rows.length > 0) this.vitest?.logger.log(formatSummary(rows))
  }
}

export function collectRows(testModules: ReadonlyArray<TestModule>): SummaryRow[] {
  const rows: SummaryRow[] = []
  for (const testModule of testModules) {
    for (const testCase of testModule.children.allTests()) {
      for (const record of testCase.meta()[META_KEY] ?? []) {
        rows.push({ file: testModule.relativeModuleId, test: testCase.fullName, record })
      }
    }
  }
  return rows
}

const HEADER = ['check', 'test', 'cycles', 'retained', 'leak/cycle (without / with)', 'verdict']
const TEST_WIDTH = 50

/** The table: a line naming each test file, then a row per check in it; rows over budget in red. */
export function formatSummary(rows: SummaryRow[]): string {
  const cells = rows.map(({ test, record }) => [
    record.matcher === 'toLeakMemory' ? 'toLeakMemory' : `"${record.budget}"`,
    test.length <= TEST_WIDTH ? test : `${test.slice(0, TEST_WIDTH - 1)}…`,
    record.matcher === 'toLeakMemory' ? `${record.cycles}` : `${record.cycles}+${record.cycles}`,
    retainedCell(record),
    growthCell(record),
    record.pass ? 'within' : 'over',
  ])
  const widths = HEADER.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column]!.length)))
  const line = (row: string[]) => '    ' + row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()

  const lines = ['', styleText('bold', ' Memory budgets'), styleText('dim', line(HEADER))]
  let file: string | undefined
  rows.forEach((row, index) => {
    if (row.file !== file) {
      file = row.file
      lines.push(`  ${file}`)
    }
    const text = line(cells[index]!)
    lines.push(row.record.pass ? text : styleText('red', text))
  })
  lines.push('')
  return lines.join('\n')
}

function retainedCell(record: CheckRecord): string {
  const { retained } = record
  if (!retained) return '-'
  return retained.source === 'heap snapshots' ? `${formatSize(retained.bytes)} exact` : `${formatSize(retained.bytes)} ±${formatSize(retained.uncertainty)}`
}

function growthCell(record: CheckRecord): string {
  if (record.block) return formatRate(record.block.growth.perCycle)
  return `${formatRate(record.baseline?.growth.perCycle ?? 0)} / ${formatRate(record.candidate?.growth.perCycle ?? 0)}`
}
