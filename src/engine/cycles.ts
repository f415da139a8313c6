import type { FullGc } from './full-gc.ts'
import type { HeapSeries } from './heap-reading.ts'
import { settle } from './settle.ts'

/** What the block receives each cycle. */
export interface CycleContext {
  /** false for the baseline (and warm-up), true for the candidate: the feature under budget. */
  readonly enabled: boolean
  /** 0-based index of the cycle across the whole check (warm-up, baseline, candidate): unique per call. */
  readonly cycle: number
}

export type Block = (context: CycleContext) => unknown

/** How the engine touches the heap: injectable so statistics and protocol can be tested without V8. */
export interface HeapProbe {
  gc: FullGc
  /** Records the post-GC heap into series at index. */
  read: (series: HeapSeries, index: number) => void
}

/** Consecutive cycles without compilation that count as a settled JIT. */
export const QUIET_CYCLES = 5

/**
 * Records a reading at index `at`, then runs the block once per context, and after each cycle lets
 * pending work finish, collects fully and records a reading at at + 1 + i. Returns the cycles run.
 * The first reading is taken here, not by the caller, because this loop's own suspended frame
 * (some hundred bytes) is alive from its call to its end: read outside, it counts as the first
 * cycle's growth.
 *
 * With `stopWhenQuiet` (warm-up), it stops once that many cycles have run and V8 has compiled
 * nothing for QUIET_CYCLES cycles in a row (or stopWhenQuiet, when smaller). Warm-up and measured
 * cycles share this one loop on purpose: the first call of another function would allocate its
 * feedback in the first measured cycle and read as the block's growth.
 *
 * Nothing here allocates what outlives a cycle: contexts and the series are made before the first
 * cycle, so the tool's own memory never shows up as the block's.
 */
export async function runCycles(
  block: Block,
  contexts: readonly CycleContext[],
  probe: HeapProbe,
  series: HeapSeries,
  at: number,
  stopWhenQuiet = 0,
): Promise<number> {
  const quietNeeded = Math.min(QUIET_CYCLES, stopWhenQuiet)
  let quiet = 0
  await collectAndRead(probe, series, at)
  for (let i = 0; i < contexts.length; i++) {
    await block(contexts[i]!)
    const index = at + 1 + i
    await collectAndRead(probe, series, index)
    if (stopWhenQuiet === 0) continue
    quiet = series.code[index] === series.code[index - 1] ? quiet + 1 : 0
    if (i + 1 >= stopWhenQuiet && quiet >= quietNeeded) return i + 1
  }
  return contexts.length
}

export async function collectAndRead(probe: HeapProbe, series: HeapSeries, index: number): Promise<void> {
  await settle()
  probe.gc()
  probe.read(series, index)
}

/** Frozen contexts for `count` cycles starting at `first`, made up front. */
export function makeContexts(enabled: boolean, first: number, count: number): CycleContext[] {
  return Array.from({ length: count }, (_, i) => Object.freeze({ enabled, cycle: first + i }))
}
