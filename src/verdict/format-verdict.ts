import type { ResolvedBudget } from '../budgets/budget.ts'
import { formatRate, formatSignedSize, formatSize } from '../budgets/sizes.ts'
import type { BudgetMeasurement, LeakMeasurement } from '../engine/measure.ts'
import type { Finding, Verdict } from './judge.ts'

/**
 * One template for every message: a headline with the budget and cycle counts, a line per limit
 * that went over (measured, limit, excess, uncertainty), the limits that held, then where to change
 * them. Sizes go through pretty-bytes via sizes.ts.
 */
export function formatBudgetVerdict(verdict: Verdict, measurement: BudgetMeasurement, budget: ResolvedBudget): string {
  const counts = `${measurement.cycles} cycles without, ${measurement.cycles} with`
  const headline = verdict.pass
    ? `memory budget "${budget.name}" met (${counts})`
    : `memory budget "${budget.name}" exceeded (${counts})`
  return [headline, ...findingLines(verdict.findings), `budget file: ${budget.file}`].join('\n')
}

export function formatLeakVerdict(verdict: Verdict, measurement: LeakMeasurement): string {
  const finding = verdict.findings[0]!
  const { growth } = measurement.variant
  const headline = finding.over
    ? `block leaks memory (${measurement.cycles} cycles after ${measurement.warmup} warm-up)`
    : `block does not leak memory (${measurement.cycles} cycles after ${measurement.warmup} warm-up)`
  return [
    headline,
    ...findingLines(verdict.findings),
    `  halves    ${formatRate(growth.firstHalf)} then ${formatRate(growth.secondHalf)}`,
  ].join('\n')
}

function findingLines(findings: Finding[]): string[] {
  const over = findings.filter((finding) => finding.over).map(overLine)
  const within = findings.filter((finding) => !finding.over).map(withinLine)
  return [...over, ...within]
}

function overLine(finding: Finding): string {
  const { measured, limit, uncertainty } = finding
  if (finding.key === 'retained') {
    return `  retained  ${formatSize(measured)} > ${formatSize(limit)}  (${formatSignedSize(measured - limit)}, ±${formatSize(uncertainty)})`
  }
  return `  leak      ${subjectName(finding)} grows ${formatRate(measured)} > ${formatRate(limit)}  (±${formatRate(uncertainty)})`
}

function withinLine(finding: Finding): string {
  const { measured, limit, uncertainty } = finding
  const figure = finding.key === 'retained' ? formatSize(measured) : formatRate(measured)
  const bound = finding.key === 'retained' ? formatSize(limit) : formatRate(limit)
  const what = finding.key === 'retained' ? 'retained' : `leak of ${subjectName(finding)}`
  const spread = finding.key === 'retained' ? formatSize(uncertainty) : formatRate(uncertainty)
  return `  within    ${what} ${figure} (±${spread}), limit ${bound}`
}

function subjectName(finding: Finding): string {
  return finding.subject === 'block' ? 'block' : finding.subject
}
