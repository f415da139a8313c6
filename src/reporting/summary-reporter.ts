import { styleText } from 'node:util'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { formatRate, formatSize } from '../budgets/sizes.ts'
import { META_KEY, type CheckRecord } from './check-record.ts'

interface Row {
  check: string
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
    if (rows.length === 0 || !this.vitest) return
    this.vitest.logger.log(formatSummary(rows, this.vitest.config.root))
  }
}

function collectRows(testModules: ReadonlyArray<TestModule>): Row[] {
  const rows: Row[] = []
  for (const testModule of testModules) {
    for (const testCase of testModule.children.allTests()) {
      for (const record of testCase.meta()[META_KEY] ?? []) {
        const check = record.matcher === 'toLeakMemory' ? 'toLeakMemory' : `"${record.budget}"`
        rows.push({ check, test: `${testModule.relativeModuleId} > ${testCase.fullName}`, record })
      }
    }
  }
  return rows
}

export function formatSummary(rows: Row[], _root: string): string {
  const header = ['check', 'test', 'cycles', 'retained', 'leak/cycle', 'verdict']
  const table = rows.map(({ check, test, record }) => [
    check,
    truncate(test, 48),
    record.matcher === 'toLeakMemory' ? `${record.cycles}` : `${record.cycles}+${record.cycles}`,
    record.retained ? `${formatSize(record.retained.bytes)} ±${formatSize(record.retained.uncertainty)}` : '-',
    growthCell(record),
    record.pass ? 'within' : 'over',
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column]!.length)))
  const line = (cells: string[]) => '  ' + cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()
  const body = table.map((cells, index) => {
    const text = line(cells)
    return rows[index]!.record.pass ? text : styleText('red', text)
  })
  return ['', styleText('bold', ' Memory budgets'), styleText('dim', line(header)), ...body, ''].join('\n')
}

function growthCell(record: CheckRecord): string {
  const { baseline, candidate, block } = record.growth
  if (block !== undefined) return formatRate(block)
  return `${formatRate(baseline ?? 0)} / ${formatRate(candidate ?? 0)}`
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `…${text.slice(text.length - width + 1)}`
}
