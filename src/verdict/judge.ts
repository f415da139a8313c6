import type { ResolvedBudget } from '../budgets/budget.ts'
import type { GrowthEstimate } from '../engine/growth.ts'
import type { BudgetMeasurement, LeakMeasurement } from '../engine/measure.ts'

/** Which series a finding is about: the budget's two variants, or toLeakMemory's single block. */
export type Subject = 'baseline' | 'candidate' | 'block'

export interface Finding {
  key: 'retained' | 'leak'
  subject: Subject
  /** bytes (retained) or bytes per cycle (leak) */
  measured: number
  limit: number
  /** Half-width of the 95% interval around measured. */
  uncertainty: number
  over: boolean
}

export interface Verdict {
  pass: boolean
  /** Every limit checked, over or not, in message order. */
  findings: Finding[]
}

/**
 * Leaking means growth beyond the limit that is real, not noise: the whole window's slope is above
 * the limit with 95% confidence, and each half grows beyond it on its own. A one-off step (JIT,
 * a table built on first use) fails the halves test; noise fails the confidence test.
 */
export function isLeaking(growth: GrowthEstimate, limit: number): boolean {
  return growth.low > limit && growth.firstHalf > limit && growth.secondHalf > limit
}

export function judgeBudget(measurement: BudgetMeasurement, budget: ResolvedBudget): Verdict {
  const findings: Finding[] = []
  if (budget.retained !== undefined) {
    const { bytes, uncertainty } = measurement.retained
    // Over only when the whole interval is: a figure within noise of the limit is not a failure.
    findings.push({
      key: 'retained',
      subject: 'candidate',
      measured: bytes,
      limit: budget.retained,
      uncertainty,
      over: bytes - uncertainty > budget.retained,
    })
  }
  findings.push(leakFinding('baseline', measurement.baseline.growth, budget.leak))
  findings.push(leakFinding('candidate', measurement.candidate.growth, budget.leak))
  return { pass: findings.every((finding) => !finding.over), findings }
}

export function judgeLeak(measurement: LeakMeasurement, limit: number): Verdict {
  const finding = leakFinding('block', measurement.variant.growth, limit)
  return { pass: !finding.over, findings: [finding] }
}

function leakFinding(subject: Subject, growth: GrowthEstimate, limit: number): Finding {
  return {
    key: 'leak',
    subject,
    measured: growth.perCycle,
    limit,
    uncertainty: (growth.high - growth.low) / 2,
    over: isLeaking(growth, limit),
  }
}
