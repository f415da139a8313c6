import { QUIET_CYCLES, type Block, type HeapProbe } from '../engine/cycles.ts'
import { measureLeak, type LeakMeasurement, type MeasurePlan } from '../engine/measure.ts'
import { CheckProgress, Pass } from '../engine/progress.ts'
import type { GrowthEstimate } from '../engine/growth.ts'
import { isLeaking, judgeLeak, keepsNothingTwice, NOISE_FLOOR, needsObjectEvidence, type CountLimits } from '../verdict/judge.ts'
import { timesOf, type CheckOutcome } from './outcome.ts'
import { inSnapshotDir, judgeWithObjects, snapshotRefusal, type SnapshotOptions } from './snapshot-run.ts'

/**
 * Growth seen but not settled: the slope is over what heap statistics call a leak, but not steadily
 * or not surely (a leak every 10th cycle is 2 steps in 20 cycles, and most pairs of readings lie
 * between two steps). The run goes on (measureLeak's extendWhile); a clean block's slope is 0 in
 * nearly every run and costs nothing more.
 */
export function growthUnsettled(growth: GrowthEstimate, limit: number): boolean {
  return growth.perCycle > Math.max(limit, NOISE_FLOOR) && !isLeaking(growth, limit)
}

/**
 * Warm-up of the second run, the one with heap snapshots: the block has run through the first run's
 * warm-up and measured cycles already, so this is the least that still says V8 is quiet (QUIET_CYCLES
 * cycles without compiling), and it goes on, up to WARMUP_EXTENSION times as long, while V8 is not.
 */
export const REWARM_CYCLES = QUIET_CYCLES

/**
 * `toLeakMemory`: a run on heap statistics, extended up to RUN_EXTENSION times while its growth is
 * seen but not settled (growthUnsettled); a second run with heap snapshots when it leaks (to
 * name what is kept and where) or when the heap grows steadily by less than heap statistics can
 * call (an object kept every cycle is a leak whatever its size). A leak recurs every cycle, so the
 * second run sees it again; a clean block costs one run and no snapshot. The first run's failure
 * stands, the second explaining it, unless the second run's snapshots found nothing new held at all
 * (what the first read was V8's own growth: a fresh worker's feedback and inline caches) or nothing
 * held twice (a one-off step).
 * Both runs count every Map, Set and Array around their measured cycles: one that gained an entry
 * a cycle fails the first run and is confirmed, and named, by the second. `progress` says which
 * run and cycle are under way; setting its `aborted` stops the check.
 */
export async function runLeakCheck(
  block: Block,
  plan: MeasurePlan & { leak: number } & CountLimits,
  probe: HeapProbe,
  progress = new CheckProgress(),
  { snapshotHeapLimit }: SnapshotOptions = {},
): Promise<CheckOutcome<LeakMeasurement>> {
  progress.pass = Pass.retained
  // Every run counts the collections (collection-census.ts): heap statistics cannot see a Map
  // growing by Smis, so no cheap signal could say when to look.
  const extendWhile = (growth: GrowthEstimate) => growthUnsettled(growth, plan.leak)
  const measurement = await measureLeak(block, { ...plan, census: true, extendWhile, callsPerReading: 'auto' }, probe, progress)
  const verdict = judgeLeak(measurement, plan.leak, {}, plan)
  if (verdict.pass && !needsObjectEvidence(measurement.variant.growth, plan.leak)) return { measurement, verdict, evidence: {} }
  const refusal = snapshotRefusal(snapshotHeapLimit, probe.remote ? measurement.variant.readings.at(-1) : undefined)
  if (refusal) return { measurement, verdict, evidence: {}, note: `objects not read: ${refusal}` }

  return inSnapshotDir(async (snapshotDir) => {
    progress.pass = Pass.snapshots
    // Its cycles continue the first run's numbering: `cycle` is unique within one call, and a block
    // that keys a cache by it must not find the first run's entries and read flat.
    // As many cycles as the first run measured, its extension included, after a warm-up of
    // REWARM_CYCLES: the first run's cycles compiled the block, so this one only waits for V8 to be quiet.
    const warmup = Math.min(plan.warmup, REWARM_CYCLES)
    const second = await measureLeak(block, { ...plan, warmup, cycles: measurement.cycles, snapshotDir, firstCycle: measurement.nextCycle, census: true, callsPerReading: measurement.callsPerReading }, probe, progress)
    progress.pass = Pass.analysis
    const judged = await judgeWithObjects(
      [{ subject: 'block', name: 'block', before: second.snapshots!.start, after: second.snapshots!.end, collections: second.collections ?? [] }],
      (evidence) => judgeLeak(second, plan.leak, evidence, plan),
    )
    // A first run that read growth, where the second found nothing new held at all (V8's growth) or
    // nothing held twice (a one-off: a leak steady enough to fail keeps one object in each half).
    // A collection that grew in the first run only (a batch of entries once) is judged by the second.
    if (verdict.pass || keepsNothingTwice(judged.evidence.block!) || onlyCollections(verdict)) return { measurement: second, ...judged, secondRun: true, otherRun: timesOf(measurement) }
    return { measurement, verdict, evidence: judged.evidence, analysisMs: judged.analysisMs, secondRun: true, otherRun: timesOf(second) }
  }, progress)
}

/** Every finding over is a growing collection: the second run, which counts them again, decides. */
function onlyCollections(verdict: { findings: { over: boolean; key: string }[] }): boolean {
  return verdict.findings.every((finding) => !finding.over || finding.key === 'collectionLeak')
}
