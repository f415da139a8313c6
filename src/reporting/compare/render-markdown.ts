import { cell, code, VERDICT_CELL } from '../markdown-report.ts'
import type { CheckComparison, CheckKey, Comparison, EnvironmentDifference, FigureComparison } from './comparison.ts'
import { figureLabel } from './figures.ts'
import { formatChange, formatFigure } from './format.ts'
import { plural } from '../check-rows.ts'

/** GitHub refuses a comment over 65,536 characters; this leaves room for what a workflow adds around it. */
export const MAX_COMMENT_CHARACTERS = 60_000

export interface ComparisonMarkdownOptions {
  /**
   * Most characters of the section: rows past it are left out, with a line saying how many.
   * @default 60_000 (MAX_COMMENT_CHARACTERS)
   */
  maxCharacters?: number
}

/**
 * The "Changes since base" section, for a pull request comment, the step summary and the markdown
 * report: a headline, what makes the runs differ, the regressions when `failOn` was given, then one
 * row per check that changed, was added, removed or renamed, changed first; the checks within noise
 * last, folded. Only the figures that moved are shown in a row.
 */
export function renderComparison(comparison: Comparison, options: ComparisonMarkdownOptions = {}): string {
  const { maxCharacters = MAX_COMMENT_CHARACTERS } = options
  const regressed = new Set(comparison.regressions.map((regression) => regression.figure))
  const head = [
    '## Changes since base',
    headline(comparison),
    ...environmentNote(comparison),
    ...regressionsNote(comparison),
  ]
  const shown = comparison.checks.filter((check) => check.status !== 'unchanged' || check.renamedFrom)
  const quiet = comparison.checks.filter((check) => check.status === 'unchanged' && !check.renamedFrom)
  const tableHead = ['| | check | test | what changed | verdict |', '| --- | --- | --- | --- | --- |']
  const quietHead = ['', `<details><summary>${plural(quiet.length, 'check')} within noise</summary>`, '', '| check | test | figures |', '| --- | --- | --- |']
  const quietTail = ['', '</details>']

  const rows = shown.map((check) => changeRow(check, regressed))
  const quietRows = quiet.map(quietRow)
  // Rows are left out from the end, the checks within noise first, so that changes stay in.
  const budget = maxCharacters - 200
  const size = (lines: readonly string[]) => lines.reduce((sum, line) => sum + line.length + 1, 0)
  let used = size(head) + 2 + (rows.length > 0 ? size(tableHead) : 0) + (quietRows.length > 0 ? size(quietHead) + size(quietTail) : 0)
  const keep = (list: string[]) => {
    const kept: string[] = []
    for (const line of list) {
      if (used + line.length + 1 > budget) break
      kept.push(line)
      used += line.length + 1
    }
    return kept
  }
  const keptRows = keep(rows)
  const keptQuiet = keptRows.length === rows.length ? keep(quietRows) : []
  const left = rows.length - keptRows.length + quietRows.length - keptQuiet.length

  const blocks = [head.join('\n\n')]
  if (keptRows.length > 0) blocks.push([...tableHead, ...keptRows].join('\n'))
  if (keptQuiet.length > 0) blocks.push([...quietHead, ...keptQuiet, ...quietTail].join('\n').trimStart())
  if (left > 0) blocks.push(`… ${plural(left, 'more check')} left out to keep this under ${maxCharacters.toLocaleString('en-US')} characters; the comparison's JSON has them all.`)
  return blocks.join('\n\n') + '\n'
}

/** `**1 check changed, 1 added** since the base run; 2 within noise.` */
export function headline({ summary, checks }: Comparison): string {
  const parts = [
    summary.changed > 0 && `${plural(summary.changed, 'check')} changed`,
    summary.added > 0 && `${summary.added} added`,
    summary.removed > 0 && `${summary.removed} removed`,
  ].filter((part): part is string => typeof part === 'string')
  const renamed = summary.renamed > 0 ? `; ${summary.renamed} renamed` : ''
  if (parts.length === 0) {
    return checks.length === 0
      ? '**No memory check in either run.**'
      : `**No change since the base run**: ${plural(summary.unchanged, 'check')}, every figure within noise${renamed}.`
  }
  const within = summary.unchanged > 0 ? `; ${summary.unchanged} within noise` : ''
  return `**${parts.join(', ')}** since the base run${within}${renamed}.`
}

function environmentNote({ environment }: Comparison): string[] {
  if (environment.differences.length === 0) return []
  const list = environment.differences.map(describeDifference).join(', ')
  if (environment.comparable) return [`The runs differ in ${list}; their figures still compare.`]
  return [`> [!WARNING]\n> The runs differ in ${list}: figures across them do not compare, and no regression fails the comparison.`]
}

function describeDifference({ key, base, head }: EnvironmentDifference): string {
  const name = { node: 'Node', v8: 'V8', os: 'OS', arch: 'architecture', pools: 'pools', browsers: 'browsers', shard: 'shard' }[key]
  return `${name} (${code(base)} → ${code(head)})`
}

function regressionsNote({ regressions, failOn, environment }: Comparison): string[] {
  if (!failOn) return []
  const limits = Object.entries(failOn).map(([key, limit]) => `${key} +${limit.text}`).join(', ')
  if (regressions.length === 0) return [`No increase beyond noise over the limits (${limits}).`]
  const failing = environment.comparable ? 'fails' : 'would fail, but the environments differ'
  const lines = regressions.map((regression) => `- ${cell(regression.message)}`)
  return [`**${plural(regressions.length, 'increase')} over the limits** (${limits}): the comparison ${failing}.\n\n${lines.join('\n')}`]
}

function changeRow(check: CheckComparison, regressed: ReadonlySet<FigureComparison>): string {
  const moved = check.figures.filter((figure) => figure.change !== 'unchanged')
  const what: string[] = []
  if (check.status === 'added') what.push('added')
  if (check.status === 'removed') what.push('removed')
  if (check.renamedFrom) what.push(`renamed from ${checkName(check.renamedFrom, check.key)}`)
  for (const figure of moved) {
    const text = `${formatChange(figure)}: ${formatFigure(figure.base, figure.unit)} → ${formatFigure(figure.head, figure.unit)}`
    what.push(regressed.has(figure) ? `**${cell(text)}**` : cell(text))
  }
  // A verdict that changed while no figure moved: its limit did (the budget file), or a figure sat at it.
  if (check.status === 'unchanged' || what.length === 0) what.push(check.verdictChanged ? 'figures within noise: the limits changed, or a figure sits at one' : 'figures within noise')
  return `| ${icon(check, moved)} | ${checkName(check.key)} | ${testCell(check.key)} | ${what.join('<br>')} | ${verdictCell(check)} |`
}

function quietRow(check: CheckComparison): string {
  const figures = check.figures.length === 0 ? 'no figures in both runs' : check.figures.map(figureLabel).join(', ')
  return `| ${checkName(check.key)} | ${testCell(check.key)} | ${figures} |`
}

/** ❌ a verdict that no longer passes, 📈 an increase, 📉 only decreases, ➕ added, ➖ removed, ✏️ renamed only, ✅ a verdict that passes again. */
function icon(check: CheckComparison, moved: readonly FigureComparison[]): string {
  if (check.status === 'added') return '➕'
  if (check.status === 'removed') return '➖'
  if (check.verdictChanged) return check.verdict.head === 'within' ? '✅' : '❌'
  if (moved.some((figure) => figure.change === 'increased')) return '📈'
  if (moved.length > 0) return '📉'
  return '✏️'
}

function verdictCell({ verdict, verdictChanged }: CheckComparison): string {
  const plain = (v: keyof typeof VERDICT_CELL) => VERDICT_CELL[v].replace(/\*\*/g, '')
  if (verdict.base && verdict.head) return verdictChanged ? `${plain(verdict.base)} → ${VERDICT_CELL[verdict.head]}` : plain(verdict.head)
  return plain((verdict.head ?? verdict.base)!)
}

/** The budget's name, or toLeakMemory; `[project]` first when named, unless it is the same as `than`'s. */
function checkName(key: CheckKey, than?: CheckKey): string {
  const name = key.budget === undefined ? 'toLeakMemory' : code(key.budget)
  const project = key.project !== undefined && key.project !== than?.project ? `[${cell(key.project)}] ` : ''
  if (than && key.file === than.file && key.test !== than.test && key.budget === than.budget) return `${project}test ${code(key.test)}`
  return `${project}${name}`
}

function testCell(key: CheckKey): string {
  return `${cell(key.file)} › ${cell(key.test)}`
}
