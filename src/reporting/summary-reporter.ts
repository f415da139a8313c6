import { styleText } from 'node:util'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { formatRate, formatSignedSize, formatSize } from '../budgets/sizes.ts'
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

const HEADER = ['check', 'test', 'cycles', 'retained', 'leak/cycle (without / with)', 'allocated/cycle', 'peak', 'objects (top group)', 'verdict']
const TEST_WIDTH = 50

/** Part of a cell: the figures a check went over stand out in bold red. */
interface Segment {
  text: string
  over?: boolean
}

/**
 * The table: a line naming each test file, then a row per check in it. In a row over budget the
 * check's name is red and the figures that broke a limit, and the verdict, are bold red (colour only
 * on a terminal: util.styleText honours NO_COLOR and pipes).
 */
export function formatSummary(rows: SummaryRow[]): string {
  const cells: Segment[][][] = rows.map(({ test, record }) => [
    [{ text: record.matcher === 'toLeakMemory' ? 'toLeakMemory' : `"${record.budget}"`, over: !record.pass }],
    [{ text: test.length <= TEST_WIDTH ? test : `${test.slice(0, TEST_WIDTH - 1)}…` }],
    [{ text: record.matcher === 'toLeakMemory' ? `${record.cycles}` : `${record.cycles}+${record.cycles}` }],
    retainedCell(record),
    growthCell(record),
    ...allocationCells(record),
    objectsCell(record),
    [{ text: record.pass ? 'within' : 'over', over: !record.pass }],
  ])
  const plain = (cell: Segment[]) => cell.map((segment) => segment.text).join('')
  const widths = HEADER.map((title, column) => Math.max(title.length, ...cells.map((row) => plain(row[column]!).length)))
  const line = (row: Segment[][], styled: boolean) => {
    const padded = row.map((cell, column) => {
      const text = cell.map((segment) => (styled && segment.over ? styleText(['bold', 'red'], segment.text) : segment.text)).join('')
      return column === row.length - 1 ? text : text + ' '.repeat(widths[column]! - plain(cell).length)
    })
    return ('    ' + padded.join('  ')).trimEnd()
  }

  const lines = ['', styleText('bold', ' Memory budgets'), styleText('dim', line(HEADER.map((text) => [{ text }]), false))]
  let file: string | undefined
  rows.forEach((row, index) => {
    if (row.file !== file) {
      file = row.file
      lines.push(`  ${file}`)
    }
    lines.push(line(cells[index]!, true))
  })
  lines.push('')
  return lines.join('\n')
}

function retainedCell(record: CheckRecord): Segment[] {
  const { retained } = record
  if (!retained) return [{ text: '-' }]
  const over = record.findings.some((finding) => finding.key === 'retained' && finding.over)
  const sure = retained.source === 'heap snapshots' ? ' exact' : ` ±${formatSize(retained.uncertainty)}`
  return [{ text: formatSize(retained.bytes), over }, { text: sure }]
}

function growthCell(record: CheckRecord): Segment[] {
  const rate = (subject: 'baseline' | 'candidate' | 'block'): Segment => ({
    text: formatRate(record[subject]?.growth.perCycle ?? 0),
    over: record.findings.some((finding) => finding.key === 'leak' && finding.subject === subject && finding.over),
  })
  if (record.block) return [rate('block')]
  return [rate('baseline'), { text: ' / ' }, rate('candidate')]
}

/** The candidate's extra allocation per cycle and extra peak over the baseline (budget checks). */
function allocationCells(record: CheckRecord): Segment[][] {
  const allocations = record.allocations
  if (!allocations) return [[{ text: '-' }], [{ text: '-' }]]
  const over = (key: string) => record.findings.some((finding) => finding.key === key && finding.over)
  return [
    [{ text: `${formatSignedSize(allocations.extraBytesPerCycle)}`, over: over('allocated') || over('direct') }],
    [{ text: formatSignedSize(allocations.extraPeak), over: over('peak') }],
  ]
}

/** The largest group of objects the candidate (or block) left behind, when snapshots were read. */
function objectsCell(record: CheckRecord): Segment[] {
  const top = (record.candidate ?? record.block)?.objects?.groups[0]
  if (!top) return [{ text: '-' }]
  const over = record.findings.some((finding) => (finding.key === 'objects' || finding.key === 'objectLeak') && finding.over && finding.group?.name === top.name)
  return [{ text: `${top.name} x${top.count}`, over }]
}
