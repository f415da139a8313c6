import type { ResolvedBudget } from '../budgets/budget.ts'
import type { Block, HeapProbe } from '../engine/cycles.ts'
import { measureBudget, type BudgetMeasurement } from '../engine/measure.ts'
import { judgeBudget, needsObjectEvidence } from '../verdict/judge.ts'
import type { CheckOutcome } from './outcome.ts'
import { inSnapshotDir, judgeWithObjects, snapshotRefusal } from './snapshot-run.ts'

/**
 * A budget check. Heap snapshots are written in every run (before the baseline's cycles, between
 * the variants, after the candidate's): a one-time cost such as a cache happens once, so it can
 * only be explained from the run that paid it. They are read only when needed: when the budget
 * limits `objects`, when heap statistics say the budget is broken (the objects then name the cause,
 * and make the retained figure exact), or when a variant grows steadily by less than heap
 * statistics can call (is it an object kept every cycle?). A check that passes on heap statistics
 * pays for writing, not reading.
 */
export async function runBudgetCheck(block: Block, budget: ResolvedBudget, probe: HeapProbe): Promise<CheckOutcome<BudgetMeasurement>> {
  const refusal = snapshotRefusal()
  if (refusal && budget.objects) {
    throw new Error(`memory budget "${budget.name}" limits objects, which needs heap snapshots, but ${refusal}.`)
  }
  if (refusal) {
    const measurement = await measureBudget(block, budget, probe)
    return { measurement, verdict: judgeBudget(measurement, budget), evidence: {}, note: `objects not read: ${refusal}` }
  }
  return inSnapshotDir(async (snapshotDir) => {
    const measurement = await measureBudget(block, { ...budget, snapshotDir }, probe)
    const onHeapStatistics = judgeBudget(measurement, budget)
    const unclear = needsObjectEvidence(measurement.baseline.growth, budget.leak) || needsObjectEvidence(measurement.candidate.growth, budget.leak)
    if (!budget.objects && onHeapStatistics.pass && !unclear) return { measurement, verdict: onHeapStatistics, evidence: {} }
    const { start, baselineEnd, candidateEnd } = measurement.snapshots!
    const judged = await judgeWithObjects(
      [
        { subject: 'baseline', name: 'baseline', before: start, after: baselineEnd },
        { subject: 'candidate', name: 'candidate', before: baselineEnd, after: candidateEnd },
      ],
      (evidence) => judgeBudget(measurement, budget, evidence),
    )
    return { measurement, ...judged }
  })
}
