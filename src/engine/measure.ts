import { collectAndRead, makeContexts, runCycles, type Block, type HeapProbe } from './cycles.ts'
import { estimateGrowth, type GrowthEstimate } from './growth.ts'
import { estimateRetained, type RetainedEstimate } from './retained.ts'

export interface MeasurePlan {
  cycles: number
  warmup: number
}

export interface VariantMeasurement {
  /** Post-GC bytes: before the variant's first measured cycle, then after each. */
  readings: number[]
  growth: GrowthEstimate
}

export interface LeakMeasurement extends MeasurePlan {
  kind: 'leak'
  variant: VariantMeasurement
  /** Post-GC bytes after each warm-up cycle, for reports. */
  warmupReadings: number[]
  durationMs: number
}

export interface BudgetMeasurement extends MeasurePlan {
  kind: 'budget'
  baseline: VariantMeasurement
  candidate: VariantMeasurement
  retained: RetainedEstimate
  warmupReadings: number[]
  durationMs: number
}

/**
 * One variant: warm-up, then `cycles` measured cycles, all with `enabled: false`.
 * Layout of the readings: [initial, warm-up..., measured...].
 */
export async function measureLeak(block: Block, plan: MeasurePlan, probe: HeapProbe): Promise<LeakMeasurement> {
  const { cycles, warmup } = plan
  const started = performance.now()
  const warmupContexts = makeContexts(false, 0, warmup)
  const measuredContexts = makeContexts(false, warmup, cycles)
  const readings = new Float64Array(1 + warmup + cycles)

  readings[0] = await collectAndRead(probe)
  await runCycles(block, warmupContexts, probe, readings, 1)
  await runCycles(block, measuredContexts, probe, readings, 1 + warmup)

  const start = warmup // the reading after the last warm-up cycle (or the initial one)
  return {
    kind: 'leak',
    cycles,
    warmup,
    variant: variantOf(readings, start, cycles + 1),
    warmupReadings: Array.from(readings.subarray(1, 1 + warmup)),
    durationMs: performance.now() - started,
  }
}

/**
 * Baseline then candidate, blocked rather than interleaved: after a long warm-up, blocks estimate a
 * per-cycle overhead within bytes (RESEARCH.md). Only the baseline warms up: the candidate's first
 * cycles are where its one-time costs happen, and they belong to its bill.
 * Layout: [initial, warm-up..., baseline..., candidate...].
 */
export async function measureBudget(block: Block, plan: MeasurePlan, probe: HeapProbe): Promise<BudgetMeasurement> {
  const { cycles, warmup } = plan
  const started = performance.now()
  const warmupContexts = makeContexts(false, 0, warmup)
  const baselineContexts = makeContexts(false, warmup, cycles)
  const candidateContexts = makeContexts(true, warmup + cycles, cycles)
  const readings = new Float64Array(1 + warmup + 2 * cycles)

  readings[0] = await collectAndRead(probe)
  await runCycles(block, warmupContexts, probe, readings, 1)
  await runCycles(block, baselineContexts, probe, readings, 1 + warmup)
  await runCycles(block, candidateContexts, probe, readings, 1 + warmup + cycles)

  const start = warmup
  return {
    kind: 'budget',
    cycles,
    warmup,
    baseline: variantOf(readings, start, cycles + 1),
    // The candidate's series begins with the baseline's last reading, but its growth is fitted from
    // its first cycle on, so its one-time cost is not mistaken for a trend.
    candidate: {
      readings: Array.from(readings.subarray(start + cycles, start + 2 * cycles + 1)),
      growth: estimateGrowth(readings, start + cycles + 1, cycles),
    },
    retained: estimateRetained(readings, start, cycles),
    warmupReadings: Array.from(readings.subarray(1, 1 + warmup)),
    durationMs: performance.now() - started,
  }
}

function variantOf(readings: Float64Array, from: number, points: number): VariantMeasurement {
  return { readings: Array.from(readings.subarray(from, from + points)), growth: estimateGrowth(readings, from, points) }
}
