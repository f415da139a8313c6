import { describe, expect, test } from 'vitest'
import type { ResolvedBudget } from '../../src/budgets/budget.ts'
import type { CheckOutcome } from '../../src/checks/outcome.ts'
import type { BudgetMeasurement } from '../../src/engine/measure.ts'
import { budgetRecord } from '../../src/reporting/check-record.ts'
import { judgeBudget } from '../../src/verdict/judge.ts'

const flat = { perCycle: 0, low: 0, high: 0, firstHalf: 0, secondHalf: 0, cycles: 20, compilingCycles: 0 }

/** A second run's outcome: its heap statistics read `second` bytes retained, its snapshots `exact`; the first run read `first`. */
function secondRun(budget: ResolvedBudget, second: number, exact: number, first: { bytes: number; uncertainty: number }): CheckOutcome<BudgetMeasurement> {
  const measurement: BudgetMeasurement = {
    kind: 'budget', callsPerReading: 1, cycles: 20, warmup: 20, warmupRun: 20, candidateWarmupRun: 20, nextCycle: 160, snapshotMs: 5, durationMs: 100,
    baseline: { readings: [], growth: flat }, candidate: { readings: [], growth: flat },
    retained: { bytes: second, uncertainty: 300, source: 'heap-statistics' }, warmupReadings: [],
  }
  const evidence = { baseline: { name: 'baseline', groups: [], bytes: 0 }, candidate: { name: 'candidate', groups: [], bytes: exact } }
  const firstRetained = { ...first, source: 'heap-statistics' as const }
  const verdict = judgeBudget(measurement, budget, evidence, undefined, { retained: firstRetained })
  return { measurement, verdict, evidence, secondRun: true, otherRun: { durationMs: 80, snapshotMs: 0 }, firstRetained }
}

describe('a budget record from a second run, with heap snapshots', () => {
  const leakOnly: ResolvedBudget = { name: 'cache', file: '/project/memory-budgets.json', cycles: 20, warmup: 20, leak: 0 }

  test("without a retained limit (what -u records a new budget's from), a one-time cost only the first run paid is kept", () => {
    const record = budgetRecord(leakOnly, secondRun(leakOnly, 500, 0, { bytes: 205_000, uncertainty: 400 }), '/project')
    expect(record.retained).toEqual({ bytes: 205_000, uncertainty: 400, source: 'heap statistics', paidOnce: 204_500 })
  })

  test('without one, the exact figure stands', () => {
    const record = budgetRecord(leakOnly, secondRun(leakOnly, 900, 1_000, { bytes: 1_200, uncertainty: 500 }), '/project')
    expect(record.retained).toEqual({ bytes: 1_000, uncertainty: 0, source: 'heap snapshots' })
  })

  test('with a retained limit, the figure judged, and both runs counted in the time', () => {
    const tight = { ...leakOnly, retained: 100_000 }
    const record = budgetRecord(tight, secondRun(tight, 500, 0, { bytes: 205_000, uncertainty: 400 }), '/project')
    expect(record.retained).toEqual({ bytes: 205_000, uncertainty: 400, source: 'heap statistics', paidOnce: 204_500 })
    expect(record.pass).toBe(false)
    expect(record.timings).toEqual({ measureMs: 180, snapshotsMs: 5, analysisMs: 0, allocationMs: 0 })
  })
})
