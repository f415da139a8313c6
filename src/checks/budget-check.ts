import type { ResolvedBudget } from '../budgets/budget.ts'
import { measureAllocations, splitDirect } from '../engine/allocations/index.ts'
import { collectAndRead, type Block, type HeapProbe } from '../engine/cycles.ts'
import { createSeries } from '../engine/heap-reading.ts'
import { measureBudget, type BudgetMeasurement } from '../engine/measure.ts'
import { CheckProgress, Pass } from '../engine/progress.ts'
import { judgeBudget, needsObjectEvidence, retainedUnsettled, type AllocationEvidence, type Verdict } from '../verdict/judge.ts'
import { CheckRefused, timesOf, type CheckOutcome } from './outcome.ts'
import { inSnapshotDir, judgeWithObjects, snapshotRefusal, type SnapshotOptions, type SubjectPhase } from './snapshot-run.ts'

/**
 * A budget check: the retained pass (post-GC heap after every cycle), then, when the budget limits
 * allocations, the allocation pass (V8's sampling heap profiler, in cycles of its own so that it
 * cannot disturb the retained readings; it sees allocation per cycle, so one-time costs the first
 * pass paid do not matter to it).
 *
 * Heap snapshots are written only when they will be read: writing three is half of a check's time
 * (bench/RESULTS.md, speed). A budget that limits `objects` takes them in its first run. Otherwise
 * heap statistics judge alone when they settle the verdict; when they do not (`retained` or `leak`
 * over, whose objects then name the cause and make the retained figure exact; a retained figure
 * within its noise of the limit; a variant growing steadily by less than heap statistics can call),
 * a second run with snapshots gives the evidence (snapshotRun). What recurs every cycle, it sees
 * again; a one-time cost the first run paid it cannot see, and the judge then keeps the first run's
 * retained figure and says so (judge.ts, retainedFinding).
 *
 * `progress` says which pass and cycle are under way; setting its `aborted` stops the check.
 */
export async function runBudgetCheck(
  block: Block,
  budget: ResolvedBudget,
  probe: HeapProbe,
  root: string,
  progress = new CheckProgress(),
  { snapshotHeapLimit }: SnapshotOptions = {},
): Promise<CheckOutcome<BudgetMeasurement>> {
  const unmeasured = probe.remote ? notMeasuredRemotely(budget, probe) : []
  if (unmeasured.length > 0) {
    throw new CheckRefused(
      `memory budget "${budget.name}" limits ${unmeasured.join(', ')}, which browser mode does not measure` +
        (probe.sampler
          ? ": a page's heap gives no GC-by-GC heights to find a peak in. Check peak in a Node project, or leave it out of this budget."
          : ": this page's probe has no allocation sampler. Check allocation in a Node project, or give this budget retained, leak and objects limits only."),
    )
  }
  // A browser page's heap is read by the probe, not here: one collected reading says how large it is.
  const refusal = snapshotRefusal(snapshotHeapLimit, probe.remote ? await collectedHeap(probe) : undefined)
  if (refusal && budget.objects) {
    throw new CheckRefused(`memory budget "${budget.name}" limits objects, which needs heap snapshots, but ${refusal}.`)
  }
  if (budget.objects) return inSnapshotDir((snapshotDir) => snapshotsInFirstRun(block, budget, probe, root, progress, snapshotDir), progress)
  progress.pass = Pass.retained
  const measurement = await measureBudget(block, { ...budget, keptSites: true, callsPerReading: 'auto' }, probe, progress)
  const allocations = await allocationPass(block, budget, measurement.nextCycle, probe, root, progress)
  const onHeapStatistics = judgeBudget(measurement, budget, {}, allocations)
  if (!needsSnapshots(onHeapStatistics, measurement, budget)) return { measurement, verdict: onHeapStatistics, evidence: {}, allocations }
  if (refusal) return { measurement, verdict: onHeapStatistics, evidence: {}, allocations, note: `objects not read: ${refusal}` }
  const nextCycle = allocations?.measurement.nextCycle ?? measurement.nextCycle
  return inSnapshotDir((snapshotDir) => snapshotRun(block, budget, probe, progress, snapshotDir, { measurement, allocations, nextCycle }), progress)
}

/** The measured heap's post-GC bytes now, read once through the probe. */
async function collectedHeap(probe: HeapProbe): Promise<number> {
  const series = createSeries(1, probe.counts)
  await collectAndRead(probe, series, 0)
  return series.data[0]!
}

/** Heap statistics leave the verdict open, or it fails and its objects should name the cause. */
function needsSnapshots(verdict: Verdict, measurement: BudgetMeasurement, budget: ResolvedBudget): boolean {
  return (
    verdict.findings.some((f) => f.over && (f.key === 'retained' || f.key === 'leak' || f.key === 'countLeak')) ||
    verdict.findings.some(retainedUnsettled) ||
    needsObjectEvidence(measurement.baseline.growth, budget.leak) ||
    needsObjectEvidence(measurement.candidate.growth, budget.leak)
  )
}

/** A budget limiting `objects` reads snapshots whatever heap statistics say: they are taken in the one run. */
async function snapshotsInFirstRun(block: Block, budget: ResolvedBudget, probe: HeapProbe, root: string, progress: CheckProgress, snapshotDir: string) {
  progress.pass = Pass.retained
  const measurement = await measureBudget(block, { ...budget, snapshotDir, callsPerReading: 'auto' }, probe, progress)
  const allocations = await allocationPass(block, budget, measurement.nextCycle, probe, root, progress)
  progress.pass = Pass.analysis
  const judged = await judgeWithObjects(phasesOf(measurement), (evidence) => judgeBudget(measurement, budget, evidence, allocations))
  return { measurement, ...judged, allocations }
}

interface FirstRun {
  measurement: BudgetMeasurement
  allocations: AllocationEvidence | undefined
  /** Where the second run's `cycle` numbering starts: past every cycle the first run gave. */
  nextCycle: number
}

/**
 * The second run: the whole retained pass again, with heap snapshots around each variant, its cycles
 * numbered on from the first run's (a cache keyed by `cycle` must not find the first run's entries).
 * Its objects judge and name what recurs; its measurement is the one reported, the first run's time
 * counted in. The allocation pass is not run again: allocation is per cycle, the first run's stands.
 */
async function snapshotRun(block: Block, budget: ResolvedBudget, probe: HeapProbe, progress: CheckProgress, snapshotDir: string, first: FirstRun) {
  progress.pass = Pass.snapshots
  // The candidate warms up as long as in the first run: the two retained figures then count the same cycles.
  const plan = { ...budget, snapshotDir, firstCycle: first.nextCycle, candidateWarmup: first.measurement.candidateWarmupRun, callsPerReading: first.measurement.callsPerReading }
  const second = await measureBudget(block, plan, probe, progress)
  progress.pass = Pass.analysis
  const firstRun = { retained: first.measurement.retained, ...(first.measurement.kept && { kept: first.measurement.kept }) }
  const judged = await judgeWithObjects(phasesOf(second), (evidence) => judgeBudget(second, budget, evidence, first.allocations, firstRun))
  return { measurement: second, ...judged, allocations: first.allocations, secondRun: true, otherRun: timesOf(first.measurement), firstRetained: first.measurement.retained }
}

function phasesOf(measurement: BudgetMeasurement): SubjectPhase[] {
  const { start, baselineEnd, candidateEnd } = measurement.snapshots!
  return [
    { subject: 'baseline', name: 'baseline', before: start, after: baselineEnd },
    { subject: 'candidate', name: 'candidate', before: baselineEnd, after: candidateEnd },
  ]
}

/**
 * The allocation pass runs the whole check again (warm-up, both variants) under the sampling
 * profiler: about half of a check's time. It runs when a limit reads it; a budget of retained memory
 * and leaks alone is judged, and reported, without allocation figures.
 */
export function measuresAllocations(budget: ResolvedBudget): boolean {
  return ALLOCATION_KEYS.some((key) => budget[key] !== undefined) || budget.sites?.direct !== undefined
}

const ALLOCATION_KEYS = ['allocated', 'direct', 'peak'] as const

/** Limits a probe of another isolate cannot judge: peak always (no GC-by-GC heights), allocation without a sampler. */
function notMeasuredRemotely(budget: ResolvedBudget, probe: HeapProbe): string[] {
  const keys: string[] = probe.sampler ? (budget.peak !== undefined ? ['peak'] : []) : ALLOCATION_KEYS.filter((key) => budget[key] !== undefined)
  if (!probe.sampler && budget.sites?.direct !== undefined) keys.push('sites.direct')
  return keys
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
