import { runCycles, runUncollected, type Block, type CycleContext, type HeapProbe } from './cycles.ts'
import type { HeapSeries } from './heap-reading.ts'
import type { CheckProgress } from './progress.ts'

/** How much longer than asked warm-up may run while V8 is still compiling. */
export const WARMUP_EXTENSION = 3

/**
 * Warm-up cycles that end with a full GC and a reading, as measured cycles do: the last of a
 * warm-up, the rest run without (runUncollected). Six, because V8 flushes the bytecode (and drops
 * the feedback) of a function unused over 6 full GCs (--bytecode-old-age): code only the first
 * calls ran (a lazy init) is dropped here, not in the measured cycles, where its shrinking would
 * read as the block's. And the measured loop's own code runs here first.
 */
export const COLLECTED_WARMUP = 6

/** Warm-up cycles a variant ran: without a GC after each, then with one (and read). Plain Smi fields, written in place. */
export interface WarmupRun {
  uncollected: number
  collected: number
}

/**
 * A variant's warm-up, over `contexts`: calls without a full GC after each, then COLLECTED_WARMUP
 * (or `warmup`, when fewer) that end with one, read into `series` from `at` (its first reading)
 * as the measured loop reads, so that the loop, V8's code flushing and the block's feedback are
 * settled by the same collections the measured cycles take. Each part runs on, up to
 * WARMUP_EXTENSION times as long, until V8 stops compiling: tier-up keeps adding feedback and code
 * for dozens of cycles in a busy block, and measuring before it settles reads it as growth. With
 * `fixed`, exactly that many cycles in all, split the same way (a second run matching its first's).
 */
export async function warmUpVariant(block: Block, contexts: readonly CycleContext[], probe: HeapProbe, series: HeapSeries, at: number, warmup: number, fixed: number | undefined, ran: WarmupRun, progress: CheckProgress): Promise<void> {
  const asked = fixed ?? warmup
  const collected = Math.min(COLLECTED_WARMUP, asked)
  const uncollected = asked - collected
  // At most `count` cycles, and at least stopWhenQuiet: equal, exactly that many.
  const longest = (cycles: number) => (fixed === undefined ? cycles * WARMUP_EXTENSION : cycles)
  ran.uncollected = uncollected === 0 ? 0 : await runUncollected(block, contexts, probe, { progress, stopWhenQuiet: uncollected, count: longest(uncollected) })
  ran.collected = await runCycles(block, contexts, probe, series, at, { progress, first: ran.uncollected, stopWhenQuiet: collected, count: longest(collected) })
}

/** The most cycles a warm-up of `warmup` asked cycles runs: the contexts to make for it. */
export function warmupLength(warmup: number): number {
  return warmup * WARMUP_EXTENSION
}

