import path from 'node:path'
import { makeContexts, QUIET_CYCLES, runCycles, type Block, type CycleOptions, type HeapProbe, type SnapshotSchedule } from './cycles.ts'
import { estimateGrowth, type GrowthEstimate } from './growth.ts'
import { CheckProgress } from './progress.ts'
import { createSeries, type HeapSeries } from './heap-reading.ts'
import { estimateRetained, type RetainedEstimate } from './retained.ts'
import { now } from './own-timers.ts'
import { openKeptSampler, type KeptSites } from './allocations/kept-sites.ts'
import { takeLocalCensus, type GrownCollection, type TakenCensus } from './collection-census.ts'

export interface MeasurePlan {
  /**
   * A folder to write heap snapshots to, at the start and end of each variant's measured cycles:
   * the objects each variant left behind are read from them, outside this isolate.
   */
  snapshotDir?: string
  cycles: number
  /** Minimum warm-up; it runs on, up to WARMUP_EXTENSION times as long, until V8 stops compiling. */
  warmup: number
  /**
   * The `cycle` the first call receives (default 0). A check that runs the block again (a second
   * run with heap snapshots, the allocation pass) starts there at the previous run's `nextCycle`, so
   * that `cycle` stays unique within one call: a block that keys a cache by it would otherwise hit
   * that cache in the second run and read flat.
   */
  firstCycle?: number
  /**
   * toLeakMemory's run on heap statistics: asked with the growth of the cycles measured so far, true
   * when growth is seen but not yet settled (a leak every 10th cycle shows in 20 cycles only as 2
   * steps), and the run then measures `cycles` more, up to RUN_EXTENSION times `cycles` in all. Not
   * with `snapshotDir`: snapshots bound cycles fixed in advance.
   */
  extendWhile?: (growth: GrowthEstimate) => boolean
  /**
   * Count every Map, Set and Array before the measured cycles and after them (collection-census.ts),
   * outside the cycles: `toLeakMemory` finds collections growing by values that are not objects.
   */
  census?: boolean
  /**
   * Budget checks: sample where what the variants still hold at the candidate's end was allocated,
   * from the baseline's first measured cycle on (kept-sites.ts), so that a one-time cost has a name
   * even when this run writes no heap snapshot.
   */
  keptSites?: boolean
  /**
   * Budget checks: the candidate's warm-up runs exactly this many cycles rather than until V8 is
   * quiet. A second run matches its first's with it, so that their retained figures, which count
   * the candidate's warm-up, compare.
   */
  candidateWarmup?: number
  /**
   * Calls of the block between two readings (default 1). 'auto' times the first TIMED_CYCLES
   * warm-up cycles and reads every second call when a collection and reading took at least as long
   * as a call (readingsEvery); a browser page (a remote probe) is read after every call, as its
   * fixed warm-up was measured. A run that repeats another passes the first's number. `cycles`,
   * `warmup` and `candidateWarmup` count calls whatever it is.
   */
  callsPerReading?: number | 'auto'
}

/** Readings a variant needs at least for its fit and halves test: no fewer, whatever the calls between them. */
export const MIN_READINGS = 10

/** Warm-up cycles, one call and one reading each, timed to choose the calls between readings (one more where the rest of the warm-up is odd). */
export const TIMED_CYCLES = 3

/**
 * The most calls a reading may cover for `cycles` measured calls: 2 where they split evenly into
 * MIN_READINGS readings or more, else 1.
 */
export function mostCallsPerReading(cycles: number): number {
  return cycles % 2 === 0 && cycles / 2 >= MIN_READINGS ? 2 : 1
}

/**
 * Calls between readings, from the first warm-up cycles' times. A full GC costs more than a fast
 * block (6 ms in a 13 MB worker, 100 ms at 100 MB, against a 1 ms block), and a leak grows k-fold
 * between readings while their noise does not: where a collection and reading took at least as
 * long as a call, reading every second call halves the check's GCs. Where the block's own time
 * dominates, fewer readings would save little and cost precision.
 */
export function readingsEvery(most: number, blockMs: number, calls: number, toolMs: number, readings: number): number {
  return most > 1 && toolMs / readings >= blockMs / calls ? most : 1
}

/** How much longer than asked warm-up may run while V8 is still compiling. */
export const WARMUP_EXTENSION = 3

/** How much longer than asked toLeakMemory's measured cycles may run while growth is seen but not settled (extendWhile). */
export const RUN_EXTENSION = 3

export interface VariantMeasurement {
  /** Post-GC bytes: before the variant's first measured cycle, then after every `callsPerReading` calls. */
  readings: number[]
  growth: GrowthEstimate
  /** The probe's counts over the same cycles (a browser page's DOM nodes, listeners), by name. */
  counts?: Record<string, CountGrowth>
}

/** How a count read after each cycle moved over the measured cycles. */
export interface CountGrowth {
  /** Fitted like the heap's bytes, in units of the count per cycle. */
  growth: GrowthEstimate
  first: number
  last: number
}

interface Common extends MeasurePlan {
  /** Calls of the block between two readings. */
  callsPerReading: number
  /** Time spent writing heap snapshots, included in durationMs. */
  snapshotMs: number
  /** Warm-up cycles actually run. */
  warmupRun: number
  /** Post-GC bytes after each warm-up cycle, for reports. */
  warmupReadings: number[]
  /** One past the last `cycle` the block received: where a further run over the same block starts (firstCycle). */
  nextCycle: number
  durationMs: number
}

export interface LeakMeasurement extends Common {
  kind: 'leak'
  variant: VariantMeasurement
  /** Heap snapshots before and after the measured cycles, when a snapshotDir was given. */
  snapshots?: { start: string; end: string }
  /**
   * With `census`: the collections that gained an entry a cycle or more over the measured cycles
   * (one cycle of slack), with their snapshot ids when snapshots were written.
   */
  collections?: GrownCollection[]
}

export interface BudgetMeasurement extends Common {
  kind: 'budget'
  /** Warm-up cycles the candidate ran (enabled) after the baseline, before its measured cycles. */
  candidateWarmupRun: number
  baseline: VariantMeasurement
  candidate: VariantMeasurement
  retained: RetainedEstimate
  /** Heap snapshots before the baseline, between the variants and after the candidate, when asked. */
  snapshots?: { start: string; baselineEnd: string; candidateEnd: string }
  /** With `keptSites`: where what was held at the candidate's end was allocated (from the baseline's start on), when the profiler could be had. */
  kept?: KeptSites
}

/**
 * Warm-up with `enabled: false`. Layout of the series: [initial, warm-up..., reference, measured...],
 * `measured` readings from the reference on. The reference is the measured loop's own first reading.
 * With callsPerReading 'auto', the first TIMED_CYCLES cycles read after each call, and their times
 * choose the calls between readings for the rest of the check (readingsEvery); the series has room
 * for `measured` readings of one call each.
 */
async function warmUp(block: Block, plan: MeasurePlan, probe: HeapProbe, measured: number, progress = new CheckProgress()) {
  const started = now()
  const asked = plan.callsPerReading ?? 1
  const auto = asked === 'auto' && !probe.remote
  const most = asked === 'auto' ? (auto ? mostCallsPerReading(plan.cycles) : 1) : asked
  const maxWarmup = plan.warmup * WARMUP_EXTENSION
  const series = createSeries(2 + maxWarmup + measured, probe.counts)
  // Warm-up runs on, up to maxWarmup, until V8 stops compiling: tier-up keeps adding feedback and
  // code for dozens of cycles in a busy block, and measuring before it settles reads it as growth.
  const firstCycle = plan.firstCycle ?? 0
  const contexts = makeContexts(false, firstCycle, maxWarmup * most)
  let k = auto ? 1 : most
  let timed = 0
  // One more timed cycle where needed, so that the rest of the warm-up splits evenly into readings;
  // and only where the rest still holds a full quiet run (QUIET_CYCLES calls), as a single loop's would.
  const timedCycles = TIMED_CYCLES + ((plan.warmup - TIMED_CYCLES) % most)
  if (auto && most > 1 && plan.warmup - timedCycles >= QUIET_CYCLES) {
    const blockBefore = progress.clock[1]!
    const before = now()
    timed = await runCycles(block, contexts, probe, series, 0, { stopWhenQuiet: timedCycles, count: timedCycles, progress })
    const blockMs = progress.clock[1]! - blockBefore
    k = readingsEvery(most, blockMs, timed, now() - before - blockMs, timed + 1)
  }
  const rest = plan.warmup === 0 ? 0 : Math.ceil((plan.warmup - timed) / k)
  const more = rest === 0 ? 0 : await runCycles(block, contexts, probe, series, timed, { first: timed, stopWhenQuiet: rest, count: Math.floor((maxWarmup - timed) / k), callsPerReading: k, progress })
  const warmupRead = timed + more
  const warmupRun = timed + more * k
  const reference = warmupRead === 0 ? 0 : warmupRead + 1
  // The cycle the measured loop's first call receives.
  const measuredCycle = firstCycle + warmupRun
  return { started, series, k, warmupRun, warmupRead, reference, measuredCycle }
}

/**
 * One variant: warm-up, then `cycles` measured cycles, all with `enabled: false`, and with
 * `extendWhile` up to RUN_EXTENSION times as many while growth is seen but not settled; the
 * measurement's `cycles` are those measured. `progress` tracks the cycle under way, and stops the
 * loop when aborted (see runCycles).
 */
export async function measureLeak(block: Block, plan: MeasurePlan, probe: HeapProbe, progress?: CheckProgress): Promise<LeakMeasurement> {
  const { extendWhile, ...fields } = plan
  const { cycles } = fields
  if (extendWhile && plan.snapshotDir) throw new RangeError('measureLeak: extendWhile cannot be used with snapshotDir')
  const maxCycles = extendWhile ? cycles * RUN_EXTENSION : cycles
  const { started, series, k, warmupRun, warmupRead, reference, measuredCycle } = await warmUp(block, plan, probe, maxCycles, progress)
  if (cycles % k !== 0) throw new RangeError(`measureLeak: ${cycles} cycles do not split into readings of ${k} calls`)
  const reads = cycles / k
  const schedule = plan.snapshotDir ? snapshotSchedule(plan.snapshotDir, [0, reads], ['start', 'end']) : undefined
  // Contexts for every cycle the run may extend to, made before its first reading.
  const contexts = makeContexts(false, measuredCycle, maxCycles)
  // Before the loop's first reading and its first snapshot, which then hold the census as old state.
  const taking = plan.census ? (probe.census ?? (probe.remote ? undefined : takeLocalCensus))?.() : undefined
  const census: TakenCensus | undefined = taking instanceof Promise ? await taking : taking
  await runCycles(block, contexts, probe, series, reference, { count: reads, callsPerReading: k, ...(schedule && { snapshots: schedule }), ...(progress && { progress }) })
  let measured = cycles
  let growth = estimateGrowth(series, reference, measured / k + 1, k)
  while (extendWhile && measured < maxCycles && extendWhile(growth)) {
    await runCycles(block, contexts, probe, series, reference + measured / k, { first: measured, count: reads, callsPerReading: k, continues: true, ...(progress && { progress }) })
    measured += cycles
    growth = estimateGrowth(series, reference, measured / k + 1, k)
  }
  // One cycle of slack: a collection that gained an entry in every cycle but one still counts.
  const finding = census?.grown(Math.max(1, measured - 1), schedule !== undefined)
  const collections = finding instanceof Promise ? await finding : finding
  return {
    kind: 'leak',
    ...fields,
    cycles: measured,
    ...(schedule && { snapshots: { start: schedule.files[0]!, end: schedule.files[1]! } }),
    ...(collections && { collections }),
    callsPerReading: k,
    snapshotMs: schedule?.writeMs ?? 0,
    warmupRun,
    variant: { readings: Array.from(series.data.subarray(reference, reference + measured / k + 1)), growth, ...countsOf(series, reference, measured / k + 1, k) },
    warmupReadings: Array.from(series.data.subarray(1, 1 + warmupRead)),
    nextCycle: measuredCycle + measured,
    durationMs: now() - started,
  }
}

/**
 * Baseline then candidate, blocked rather than interleaved: after a long warm-up, blocks estimate a
 * per-cycle overhead within bytes (RESEARCH.md). Series layout: [initial, warm-up..., baseline
 * reference, baseline..., candidate warm-up reference, candidate warm-up..., candidate reference,
 * candidate...].
 *
 * The candidate warms up too, by the same rule, after the baseline: code that only runs when the
 * feature is on (the feature's own, and whatever of Node's it calls) is compiled there rather than in
 * its measured cycles, where V8's growing tables read as a leak. A telemetry client needed 50 cycles
 * of it before its growth read 0. Its one-time costs still land in its bill: retained compares the
 * candidate's end with the baseline's, across the candidate's warm-up.
 */
export async function measureBudget(block: Block, plan: MeasurePlan, probe: HeapProbe, progress?: CheckProgress): Promise<BudgetMeasurement> {
  const { cycles } = plan
  const maxWarmup = plan.warmup * WARMUP_EXTENSION
  const { started, series, k, warmupRun, warmupRead, reference, measuredCycle } = await warmUp(block, plan, probe, 2 * cycles + 2 + maxWarmup, progress)
  if (cycles % k !== 0 || (plan.candidateWarmup ?? 0) % k !== 0) throw new RangeError(`measureBudget: ${cycles} cycles do not split into readings of ${k} calls`)
  const reads = cycles / k
  // Everything the three loops need exists before the baseline's first reading: made between the
  // loops, it would be new in the candidate's readings and snapshots, and read as the feature's.
  const baselineContexts = makeContexts(false, measuredCycle, cycles)
  const candidateContexts = makeContexts(true, measuredCycle + cycles, maxWarmup + cycles)
  // The sampler profiles this isolate: a browser page's allocations it cannot see.
  const sampler = plan.keptSites && !probe.remote ? openKeptSampler() : undefined
  const baselineLoop: CycleOptions = { progress: progress ?? new CheckProgress(), callsPerReading: k }
  const fixedWarmup = plan.candidateWarmup === undefined ? undefined : plan.candidateWarmup / k
  const warmupLoop: CycleOptions = { progress: baselineLoop.progress!, callsPerReading: k, stopWhenQuiet: fixedWarmup ?? Math.ceil(plan.warmup / k), first: 0, count: fixedWarmup ?? Math.floor(maxWarmup / k) }
  const candidateLoop: CycleOptions = { progress: baselineLoop.progress!, callsPerReading: k, first: 0, count: reads }
  if (plan.snapshotDir) {
    baselineLoop.snapshots = snapshotSchedule(plan.snapshotDir, [0, reads], ['start', 'baseline-end'])
    candidateLoop.snapshots = snapshotSchedule(plan.snapshotDir, [reads], ['candidate-end'])
  }
  let kept: KeptSites | undefined
  let candidateWarmupRead = 0
  let candidateStart = 0
  try {
    // Before the baseline's first reading, not between the variants: starting the sampler leaves
    // about 1.1 kB on the heap for as long as it runs, which must be in both variants' readings.
    await sampler?.start()
    await runCycles(block, baselineContexts, probe, series, reference, baselineLoop)

    const candidateWarmupAt = reference + reads + 1
    candidateWarmupRead = warmupLoop.stopWhenQuiet === 0 ? 0 : await runCycles(block, candidateContexts, probe, series, candidateWarmupAt, warmupLoop)
    candidateStart = warmupLoop.stopWhenQuiet === 0 ? candidateWarmupAt : candidateWarmupAt + candidateWarmupRead + 1
    // A small integer written over another: nothing is allocated between the loops.
    candidateLoop.first = candidateWarmupRead * k
    await runCycles(block, candidateContexts, probe, series, candidateStart, candidateLoop)
    kept = await sampler?.stop()
  } finally {
    // A loop cut short (the block threw, the check was abandoned) must not leave the profiler running.
    sampler?.close()
  }

  const baselineSchedule = baselineLoop.snapshots
  const candidateSchedule = candidateLoop.snapshots
  // Without a warm-up the candidate's first cycle takes its one-time costs: its fit starts after that
  // cycle, so the step is not mistaken for a trend.
  const candidateFit = warmupLoop.stopWhenQuiet === 0 ? { start: candidateStart + 1, points: reads } : { start: candidateStart, points: reads + 1 }
  const candidateWarmupRun = candidateWarmupRead * k
  return {
    kind: 'budget',
    ...plan,
    ...(baselineSchedule && candidateSchedule && {
      snapshots: { start: baselineSchedule.files[0]!, baselineEnd: baselineSchedule.files[1]!, candidateEnd: candidateSchedule.files[0]! },
    }),
    ...(kept && { kept }),
    callsPerReading: k,
    snapshotMs: (baselineSchedule?.writeMs ?? 0) + (candidateSchedule?.writeMs ?? 0),
    warmupRun,
    candidateWarmupRun,
    baseline: variantOf(series, reference, reads + 1, k),
    candidate: {
      readings: Array.from(series.data.subarray(candidateStart, candidateStart + reads + 1)),
      growth: estimateGrowth(series, candidateFit.start, candidateFit.points, k),
      ...countsOf(series, candidateFit.start, candidateFit.points, k),
    },
    retained: estimateRetained(series.data, reference, candidateFit, reads, candidateWarmupRead + reads),
    warmupReadings: Array.from(series.data.subarray(1, 1 + warmupRead)),
    nextCycle: measuredCycle + cycles + candidateWarmupRun + cycles,
    durationMs: now() - started,
  }
}

function snapshotSchedule(dir: string, after: number[], names: string[]): SnapshotSchedule {
  // Flat copies: V8 flattens a concatenated string when it is first read, and a path flattened
  // inside the loop would be a new string in the next snapshot.
  return { after, files: names.map((name) => Buffer.from(path.join(dir, `${name}.heapsnapshot`)).toString()), writeMs: 0 }
}

function variantOf(series: HeapSeries, from: number, points: number, k: number): VariantMeasurement {
  return { readings: Array.from(series.data.subarray(from, from + points)), growth: estimateGrowth(series, from, points, k), ...countsOf(series, from, points, k) }
}

/** Each count's growth over `points` readings from `from`: compilation does not make DOM nodes, so no cycle is left out. */
function countsOf(series: HeapSeries, from: number, points: number, k: number): Pick<VariantMeasurement, 'counts'> {
  if (!series.counts) return {}
  const noCode = new Float64Array(series.data.length)
  const counts: Record<string, CountGrowth> = {}
  for (const [name, data] of Object.entries(series.counts)) {
    counts[name] = { growth: estimateGrowth({ data, code: noCode }, from, points, k), first: data[from]!, last: data[from + points - 1]! }
  }
  return { counts }
}
