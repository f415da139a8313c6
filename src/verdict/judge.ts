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
 * Growth under this many bytes per cycle is never called a leak, whatever the limit: in a fresh
 * worker V8's own bookkeeping (inline caches, feedback, lazily built tables) grows by tens of
 * bytes a cycle for dozens of cycles, in steps no compilation marks (bench/RESULTS.md).
 */
export const NOISE_FLOOR = 64

/**
 * Leaking means growth beyond the limit that is real and steady:
 * - the slope is above the limit with 95% confidence, and above the noise floor;
 * - each half of the window grows beyond the limit on its own, so a one-off step (a table built
 *   on first use, a JIT event) that lands in one half is not a leak;
 * - the slower half grows at least a quarter as fast as the whole: growth that dies away is V8 or
 *   a cache settling, while a leak keeps its pace (an every-k-th-cycle leak too, once k is under
 *   half the window).
 */
export function isLeaking(growth: GrowthEstimate, limit: number): boolean {
  const slowerHalf = Math.min(growth.firstHalf, growth.secondHalf)
  return (
    growth.low > limit &&
    growth.perCycle > Math.max(limit, NOISE_FLOOR) &&
    slowerHalf > limit &&
    slowerHalf >= growth.perCycle / 4
  )
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
