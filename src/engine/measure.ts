import path from 'node:path'
import { makeContexts, runCycles, type Block, type HeapProbe, type SnapshotSchedule } from './cycles.ts'
import { estimateGrowth, type GrowthEstimate } from './growth.ts'
import type { CheckProgress } from './progress.ts'
import { createSeries, type HeapSeries } from './heap-reading.ts'
import { estimateRetained, type RetainedEstimate } from './retained.ts'

export interface MeasurePlan {
  /**
   * A folder to write heap snapshots to, at the start and end of each variant's measured cycles:
   * the objects each variant left behind are read from them, outside this isolate.
   */
  snapshotDir?: string
  cycles: number
  /** Minimum warm-up; it runs on, up to WARMUP_EXTENSION times as long, until V8 stops compiling. */
  warmup: number
}

/** How much longer than asked warm-up may run while V8 is still compiling. */
export const WARMUP_EXTENSION = 3

export interface VariantMeasurement {
  /** Post-GC bytes: before the variant's first measured cycle, then after each. */
  readings: number[]
  growth: GrowthEstimate
}

interface Common extends MeasurePlan {
  /** Time spent writing heap snapshots, included in durationMs. */
  snapshotMs: number
  /** Warm-up cycles actually run. */
  warmupRun: number
  /** Post-GC bytes after each warm-up cycle, for reports. */
  warmupReadings: number[]
  durationMs: number
}

export interface LeakMeasurement extends Common {
  kind: 'leak'
  variant: VariantMeasurement
  /** Heap snapshots before and after the measured cycles, when a snapshotDir was given. */
  snapshots?: { start: string; end: string }
}

export interface BudgetMeasurement extends Common {
  kind: 'budget'
  baseline: VariantMeasurement
  candidate: VariantMeasurement
  retained: RetainedEstimate
  /** Heap snapshots before the baseline, between the variants and after the candidate, when asked. */
  snapshots?: { start: string; baselineEnd: string; candidateEnd: string }
}

/**
 * Warm-up with `enabled: false`. Layout of the series: [initial, warm-up..., reference, measured...].
 * The reference is the measured loop's own first reading.
 */
async function warmUp(block: Block, plan: MeasurePlan, probe: HeapProbe, measured: number, progress?: CheckProgress) {
  const started = performance.now()
  const maxWarmup = plan.warmup * WARMUP_EXTENSION
  const series = createSeries(2 + maxWarmup + measured)
  // Warm-up runs on, up to maxWarmup, until V8 stops compiling: tier-up keeps adding feedback and
  // code for dozens of cycles in a busy block, and measuring before it settles reads it as growth.
  const warmupRun = plan.warmup === 0 ? 0 : await runCycles(block, makeContexts(false, 0, maxWarmup), probe, series, 0, { stopWhenQuiet: plan.warmup, ...(progress && { progress }) })
  const reference = warmupRun === 0 ? 0 : warmupRun + 1
  return { started, series, warmupRun, reference }
}

/**
 * One variant: warm-up, then `cycles` measured cycles, all with `enabled: false`. `progress` tracks
 * the cycle under way, and stops the loop when aborted (see runCycles).
 */
export async function measureLeak(block: Block, plan: MeasurePlan, probe: HeapProbe, progress?: CheckProgress): Promise<LeakMeasurement> {
  const { cycles } = plan
  const { started, series, warmupRun, reference } = await warmUp(block, plan, probe, cycles, progress)
  const schedule = plan.snapshotDir ? snapshotSchedule(plan.snapshotDir, [0, cycles], ['start', 'end']) : undefined
  await runCycles(block, makeContexts(false, warmupRun, cycles), probe, series, reference, { ...(schedule && { snapshots: schedule }), ...(progress && { progress }) })
  return {
    kind: 'leak',
    ...plan,
    ...(schedule && { snapshots: { start: schedule.files[0]!, end: schedule.files[1]! } }),
    snapshotMs: schedule?.writeMs ?? 0,
    warmupRun,
    variant: variantOf(series, reference, cycles + 1),
    warmupReadings: Array.from(series.data.subarray(1, 1 + warmupRun)),
    durationMs: performance.now() - started,
  }
}

/**
 * Baseline then candidate, blocked rather than interleaved: after a long warm-up, blocks estimate a
 * per-cycle overhead within bytes (RESEARCH.md). Only the baseline warms up: the candidate's first
 * cycles are where its one-time costs happen, and they belong to its bill. Both run in one loop,
 * so that nothing of the tool's changes between them.
 */
export async function measureBudget(block: Block, plan: MeasurePlan, probe: HeapProbe, progress?: CheckProgress): Promise<BudgetMeasurement> {
  const { cycles } = plan
  const { started, series, warmupRun, reference } = await warmUp(block, plan, probe, 2 * cycles, progress)
  const contexts = [...makeContexts(false, warmupRun, cycles), ...makeContexts(true, warmupRun + cycles, cycles)]
  const schedule = plan.snapshotDir
    ? snapshotSchedule(plan.snapshotDir, [0, cycles, 2 * cycles], ['start', 'baseline-end', 'candidate-end'])
    : undefined
  await runCycles(block, contexts, probe, series, reference, { ...(schedule && { snapshots: schedule }), ...(progress && { progress }) })

  const candidateStart = reference + cycles
  return {
    kind: 'budget',
    ...plan,
    ...(schedule && { snapshots: { start: schedule.files[0]!, baselineEnd: schedule.files[1]!, candidateEnd: schedule.files[2]! } }),
    snapshotMs: schedule?.writeMs ?? 0,
    warmupRun,
    baseline: variantOf(series, reference, cycles + 1),
    // The candidate's series begins with the baseline's last reading, but its growth is fitted from
    // its first cycle on, so its one-time cost is not mistaken for a trend.
    candidate: {
      readings: Array.from(series.data.subarray(candidateStart, candidateStart + cycles + 1)),
      growth: estimateGrowth(series, candidateStart + 1, cycles),
    },
    retained: estimateRetained(series.data, reference, cycles),
    warmupReadings: Array.from(series.data.subarray(1, 1 + warmupRun)),
    durationMs: performance.now() - started,
  }
}

function snapshotSchedule(dir: string, after: number[], names: string[]): SnapshotSchedule {
  // Flat copies: V8 flattens a concatenated string when it is first read, and a path flattened
  // inside the loop would be a new string in the next snapshot.
  return { after, files: names.map((name) => Buffer.from(path.join(dir, `${name}.heapsnapshot`)).toString()), writeMs: 0 }
}

function variantOf(series: HeapSeries, from: number, points: number): VariantMeasurement {
  return { readings: Array.from(series.data.subarray(from, from + points)), growth: estimateGrowth(series, from, points) }
}
