import type { ResolvedBudget } from '../budgets/budget.ts'
import { measureAllocations, splitDirect } from '../engine/allocations/index.ts'
import type { Block, HeapProbe } from '../engine/cycles.ts'
import { measureBudget, type BudgetMeasurement } from '../engine/measure.ts'
import { CheckProgress, Pass } from '../engine/progress.ts'
import { judgeBudget, needsObjectEvidence, retainedUnsettled, type AllocationEvidence } from '../verdict/judge.ts'
import type { CheckOutcome } from './outcome.ts'
import { inSnapshotDir, judgeWithObjects, snapshotRefusal } from './snapshot-run.ts'

/**
 * A budget check: the retained pass (post-GC heap after every cycle, heap snapshots around each
 * variant), then, when the budget limits allocations, the allocation pass (V8's sampling heap profiler, in cycles of its own so that it
 * cannot disturb the retained readings; it sees allocation per cycle, so one-time costs the first
 * pass paid do not matter to it).
 *
 * Heap snapshots are written in every run: a one-time cost such as a cache happens once, so it can
 * only be explained from the run that paid it. They are read only when needed: when the budget
 * limits `objects`, when heap statistics say `retained` or `leak` is broken (the objects then name
 * the cause, and make the retained figure exact), when the retained figure is within its noise of
 * the limit (the exact figure settles it), or when a variant grows steadily by less than heap
 * statistics can call (is it an object kept every cycle?).
 *
 * `progress` says which pass and cycle are under way; setting its `aborted` stops the check.
 */
export async function runBudgetCheck(
  block: Block,
  budget: ResolvedBudget,
  probe: HeapProbe,
  root: string,
  progress = new CheckProgress(),
): Promise<CheckOutcome<BudgetMeasurement>> {
  const refusal = snapshotRefusal()
  if (refusal && budget.objects) {
    throw new Error(`memory budget "${budget.name}" limits objects, which needs heap snapshots, but ${refusal}.`)
  }
  if (refusal) {
    progress.pass = Pass.retained
    const measurement = await measureBudget(block, budget, probe, progress)
    const allocations = await allocationPass(block, budget, measurement.nextCycle, probe, root, progress)
    return { measurement, verdict: judgeBudget(measurement, budget, {}, allocations), evidence: {}, allocations, note: `objects not read: ${refusal}` }
  }
  return inSnapshotDir(async (snapshotDir) => {
    progress.pass = Pass.retained
    const measurement = await measureBudget(block, { ...budget, snapshotDir }, probe, progress)
    const allocations = await allocationPass(block, budget, measurement.nextCycle, probe, root, progress)
    const onHeapStatistics = judgeBudget(measurement, budget, {}, allocations)
    const heapOver = onHeapStatistics.findings.some((f) => f.over && (f.key === 'retained' || f.key === 'leak'))
    const unclear =
      onHeapStatistics.findings.some(retainedUnsettled) ||
      needsObjectEvidence(measurement.baseline.growth, budget.leak) ||
      needsObjectEvidence(measurement.candidate.growth, budget.leak)
    if (!budget.objects && !heapOver && !unclear) return { measurement, verdict: onHeapStatistics, evidence: {}, allocations }
    const { start, baselineEnd, candidateEnd } = measurement.snapshots!
    progress.pass = Pass.analysis
    const judged = await judgeWithObjects(
      [
        { subject: 'baseline', name: 'baseline', before: start, after: baselineEnd },
        { subject: 'candidate', name: 'candidate', before: baselineEnd, after: candidateEnd },
      ],
      (evidence) => judgeBudget(measurement, budget, evidence, allocations),
    )
    return { measurement, ...judged, allocations }
  }, progress)
}

/**
 * The allocation pass runs the whole check again (warm-up, both variants) under the sampling
 * profiler: about half of a check's time. It runs when a limit reads it; a budget of retained memory
 * and leaks alone is judged, and reported, without allocation figures.
 */
export function measuresAllocations(budget: ResolvedBudget): boolean {
  return budget.allocated !== undefined || budget.direct !== undefined || budget.peak !== undefined || budget.sites?.direct !== undefined
}

/** Its cycles continue the retained pass's numbering (`firstCycle`): `cycle` is unique within one call. */
async function allocationPass(
  block: Block,
  budget: ResolvedBudget,
  firstCycle: number,
  probe: HeapProbe,
  root: string,
  progress: CheckProgress,
): Promise<AllocationEvidence | undefined> {
  if (!measuresAllocations(budget)) return undefined
  progress.pass = Pass.allocation
  const measurement = await measureAllocations(block, { cycles: budget.cycles, warmup: budget.warmup, firstCycle }, { probe, progress })
  const globs = budget.sites?.direct
  return { measurement, ...(globs && { direct: splitDirect(measurement.extraSites, globs, root) }) }
}
