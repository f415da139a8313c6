import { styleText } from 'node:util'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { formatRate, formatSignedSize, formatSize } from '../budgets/sizes.ts'
import { verdictOf, type CheckRecord } from './check-record.ts'
import { collectRows, countRows, headline, type SummaryRow } from './check-rows.ts'
import type { CheckComparison, FigureComparison } from './compare/comparison.ts'
import { formatSince } from './compare/format.ts'
import type { RunComparison } from './compare/run-comparison.ts'
import { pluginOutput } from './plugin-output.ts'

export { collectRows, type SummaryRow } from './check-rows.ts'

/**
 * Prints one table of every memory check after the run: what was checked, the figures, the verdict,
 * then the run in one line. Figures come only from task meta, so the table shows exactly what the
 * matchers judged, and a run merged from shards shows the same table.
 */
export class SummaryReporter implements Reporter {
  private vitest: Vitest | undefined
  private readonly comparison: RunComparison | undefined

  /** `comparison`: the base run this one is compared with (`compare`): the table gains its column. */
  constructor(comparison?: RunComparison) {
    this.comparison = comparison
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (!this.vitest) return
    const rows = collectRows(testModules)
    if (rows.length === 0) return
    const output = pluginOutput(this.vitest)
    const comparison = this.comparison?.of(this.vitest, testModules)
    const regressed = new Set(comparison?.regressions.map((regression) => regression.figure))
    const since = comparison && sinceBase(rows, this.comparison!.byCheck(this.vitest, testModules), regressed)
    output.log(formatSummary(rows, { stream: output.stream, ...(since && { since }) }))
  }
}

const HEADER = ['check', 'test', 'cycles', 'retained', 'leak/cycle (without / with)', 'allocated/cycle', 'peak', 'objects (top group)', 'verdict']
const SINCE_HEADER = 'since base'
const TEST_WIDTH = 50

/** Part of a cell: the figures a check went over stand out in bold red. */
interface Segment {
  text: string
  over?: boolean
}

export interface SummaryOptions {
  /** The stream the table goes to: colour only when it is a terminal. @default process.stdout */
  stream?: NodeJS.WritableStream
  /**
   * Each row's change since the base run (`compare`), in row order; undefined for a row the
   * comparison has not (an earlier attempt). With it, the table has a `since base` column before
   * the verdict.
   */
  since?: ReadonlyArray<SinceBase | undefined>
}

/** A row's cell in the `since base` column: bold red when it holds an increase over `failOn`. */
export interface SinceBase {
  text: string
  regressed: boolean
}

/** The comparison's checks (in report order: the counted rows') as cells of the table's rows. */
export function sinceBase(rows: readonly SummaryRow[], checks: ReadonlyArray<CheckComparison | undefined>, regressions: ReadonlySet<FigureComparison> = new Set()): Array<SinceBase | undefined> {
  let counted = 0
  return rows.map((row) => {
    if (row.earlierAttempt) return undefined
    const check = checks[counted++]
    return check && { text: formatSince(check), regressed: check.figures.some((figure) => regressions.has(figure)) }
  })
}

/**
 * The table: a line naming each test file, then a row per check in it, then the run in one line.
 * In a row that did not pass the check's name is red and the figures that broke a limit, and the
 * verdict, are bold red (colour only on a terminal: util.styleText honours NO_COLOR and pipes). A
 * check cut short has a line under its row saying why and where, and a check that left something
 * out (heap snapshots of a heap too large) one saying what and why; a check of an attempt that
 * Vitest retried says so in its verdict, and is not counted.
 */
export function formatSummary(rows: SummaryRow[], options: SummaryOptions = {}): string {
  const style = (format: Parameters<typeof styleText>[0], text: string) => styleText(format, text, options.stream ? { stream: options.stream } : {})
  const since = options.since
  const header = since ? [...HEADER.slice(0, -1), SINCE_HEADER, HEADER.at(-1)!] : HEADER
  const cells: Segment[][][] = rows.map(({ test, record, earlierAttempt }, index) => {
    const failed = !earlierAttempt && verdictOf(record) !== 'within'
    const change = since?.[index]
    return [
      [{ text: record.matcher === 'toLeakMemory' ? 'toLeakMemory' : `"${record.budget}"`, over: failed }],
      [{ text: test.length <= TEST_WIDTH ? test : `${test.slice(0, TEST_WIDTH - 1)}…` }],
      [{ text: record.matcher === 'toLeakMemory' ? `${record.cycles}` : `${record.cycles}+${record.cycles}` }],
      retainedCell(record),
      growthCell(record),
      ...allocationCells(record),
      objectsCell(record),
      ...(since ? [[{ text: change?.text ?? '-', over: change?.regressed ?? false }]] : []),
      [{ text: verdictText(record, earlierAttempt), over: failed }],
    ]
  })
  const plain = (cell: Segment[]) => cell.map((segment) => segment.text).join('')
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => plain(row[column]!).length)))
  const line = (row: Segment[][], styled: boolean) => {
    const padded = row.map((cell, column) => {
      const text = cell.map((segment) => (styled && segment.over ? style(['bold', 'red'], segment.text) : segment.text)).join('')
      return column === row.length - 1 ? text : text + ' '.repeat(widths[column]! - plain(cell).length)
    })
    return ('    ' + padded.join('  ')).trimEnd()
  }

  const lines = ['', style('bold', ' Memory budgets'), style('dim', line(header.map((text) => [{ text }]), false))]
  let file: string | undefined
  rows.forEach((row, index) => {
    if (row.file !== file) {
      file = row.file
      lines.push(`  ${file}`)
    }
    lines.push(line(cells[index]!, true))
    const { cut, skipped } = row.record
    const under = ' '.repeat(4 + widths[0]! + 2)
    if (cut) lines.push(`${under}${cut.reason}${cut.where ? `, in ${cut.where}` : ''}`)
    if (skipped) lines.push(`${under}${skipped}`)
  })
  const { lead, rest } = headline(countRows(rows))
  lines.push('', ` ${style('bold', lead)}${rest}`, '')
  return lines.join('\n')
}

/** `within`, `over`, `timed out`, `aborted`; `over (attempt 1, retried)` for an earlier attempt. */
function verdictText(record: CheckRecord, earlierAttempt: boolean | undefined): string {
  const verdict = verdictOf(record)
  return earlierAttempt ? `${verdict} (attempt ${(record.attempt?.retry ?? 0) + 1}, retried)` : verdict
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
  // A check cut short has no figures.
  if (!record.baseline || !record.candidate) return [{ text: '-' }]
  return [rate('baseline'), { text: ' / ' }, rate('candidate')]
}

/** The candidate's extra allocation per cycle and extra peak over the baseline (budget checks). */
function allocationCells(record: CheckRecord): Segment[][] {
  const allocations = record.allocations
  if (!allocations) return [[{ text: '-' }], [{ text: '-' }]]
  const over = (key: string) => record.findings.some((finding) => finding.key === key && finding.over)
  return [
    [{ text: `${formatSignedSize(allocations.extraBytesPerCycle)}`, over: over('allocated') || over('direct') }],
    [allocations.extraPeak === undefined ? { text: '-' } : { text: formatSignedSize(allocations.extraPeak), over: over('peak') }],
  ]
}

/** The largest group of objects the candidate (or block) left behind, when snapshots were read. */
function objectsCell(record: CheckRecord): Segment[] {
  const top = (record.candidate ?? record.block)?.objects?.groups[0]
  if (!top) return [{ text: '-' }]
  const over = record.findings.some((finding) => (finding.key === 'objects' || finding.key === 'objectLeak') && finding.over && finding.group?.name === top.name)
  return [{ text: `${top.name} x${top.count}`, over }]
}
