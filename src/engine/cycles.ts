import type { FullGc } from './full-gc.ts'
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
  /** Bytes held after a full GC. */
  read: () => number
}

/**
 * Runs the block once per context, and after each cycle lets pending work finish, collects fully and
 * records a reading at readings[at + i]. Nothing here allocates what outlives a cycle: contexts and
 * the readings array are made before the first cycle, so the tool's own memory never shows up
 * as the block's.
 */
export async function runCycles(
  block: Block,
  contexts: readonly CycleContext[],
  probe: HeapProbe,
  readings: Float64Array,
  at: number,
): Promise<void> {
  for (let i = 0; i < contexts.length; i++) {
    await block(contexts[i]!)
    readings[at + i] = await collectAndRead(probe)
  }
}

export async function collectAndRead(probe: HeapProbe): Promise<number> {
  await settle()
  probe.gc()
  return probe.read()
}

/** Frozen contexts for `count` cycles starting at `first`, made up front. */
export function makeContexts(enabled: boolean, first: number, count: number): CycleContext[] {
  return Array.from({ length: count }, (_, i) => Object.freeze({ enabled, cycle: first + i }))
}
