import { runCycles, runUncollected, type Block, type CycleContext, type HeapProbe } from './cycles.ts'
import type { HeapSeries } from './heap-reading.ts'
import type { CheckProgress } from './progress.ts'

/** How much longer than asked warm-up may run while V8 is still compiling. */
export const WARMUP_EXTENSION = 3

/**
 * Warm-up cycles of the allocation pass that end with a full GC, as measured cycles do: the last of
 * its warm-up, the rest run without (runUncollected). Six, because V8 flushes the bytecode (and
 * drops the feedback) of a function unused over 6 full GCs (--bytecode-old-age): code only the first
 * calls ran is dropped here, not in the measured cycles. The passes that read the heap (retained,
 * toLeakMemory) collect every warm-up cycle: with any uncollected ones before them (6 to 14 of 20
 * tried), clean budgets' retained figure moved from +0.8 kB to -1 to -2.4 kB (worst 5.9 kB) and steady
 * leaks read 50-80 B/cycle high (bench/RESULTS.md, issue 14). The allocation pass reads sampled
 * allocations, which did not move.
 */
export const COLLECTED_WARMUP = 6

/** Warm-up cycles a variant ran: without a GC after each, then with one (and read). Plain Smi fields, written in place. */
export interface WarmupRun {
  uncollected: number
  collected: number
}

/** How a warm-up runs: at least `warmup` cycles, exactly `fixed` when given; its last `collected` (or all) with a full GC. */
export interface WarmupPlan {
  warmup: number
  /** Exactly this many cycles in all, split the same way (a second run matching its first's). */
  fixed?: number
  collected: number | 'all'
}

/**
 * A variant's warm-up, over `contexts`: calls without a full GC after each, then `collected` (or
 * `warmup`, when fewer) that end with one, read into `series` from `at` (its first reading) as the
 * measured loop reads. Each part runs on, up to WARMUP_EXTENSION times as long, until V8 stops
 * compiling: tier-up keeps adding feedback and code for dozens of cycles in a busy block, and
 * measuring before it settles reads it as growth.
 */
export async function warmUpVariant(block: Block, contexts: readonly CycleContext[], probe: HeapProbe, series: HeapSeries, at: number, plan: WarmupPlan, ran: WarmupRun, progress: CheckProgress): Promise<void> {
  const { fixed } = plan
  const asked = fixed ?? plan.warmup
  const collected = plan.collected === 'all' ? asked : Math.min(plan.collected, asked)
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

