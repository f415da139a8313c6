import v8 from 'node:v8'
import { blockFailure } from './block-failure.ts'
import type { HeapSampler } from './allocations/sampling.ts'
import type { TakenCensus } from './collection-census.ts'
import type { FullGc } from './full-gc.ts'
import type { HeapSeries } from './heap-reading.ts'
import { CheckProgress, Loop } from './progress.ts'
import { settle } from './settle.ts'
import { now } from './own-timers.ts'

/** What the block receives each cycle. */
export interface CycleContext {
  /** false for the baseline (and warm-up), true for the candidate: the feature under budget. */
  readonly enabled: boolean
  /** 0-based index of the cycle across the whole check (warm-up, baseline, candidate): unique per call. */
  readonly cycle: number
}

export type Block = (context: CycleContext) => unknown

/**
 * How the engine touches the heap it measures: the one port between the engine and an isolate. In a
 * Node worker it is V8's own API, synchronous (heap-probe.ts); a browser page's heap is reached over
 * the DevTools protocol, one round trip a call (cdp-probe.ts), so each call may return a promise.
 * The loop awaits only what is a promise: the Node path runs as it always did. Injectable, so that
 * statistics and protocol can be tested without V8.
 */
export interface HeapProbe {
  /** A full GC of the measured heap, verified full. */
  gc: FullGc | (() => Promise<void>)
  /** Records the post-GC heap into series at index. */
  read: (series: HeapSeries, index: number) => void | Promise<void>
  /** Bytes of JIT code and bytecode now, with no GC before: what warm-up watches between collections (0 where unknown). */
  code: () => number
  /** Writes a heap snapshot of the measured heap to `file`; V8's own writer of this isolate when absent. */
  writeSnapshot?: (file: string) => void | Promise<void>
  /** Counts `read` records beside the heap (HeapSeries.counts), when it reads any. */
  counts?: readonly string[]
  /**
   * The heap measured is another isolate's (a browser page): what reads this isolate from inside
   * (the collection census, the allocation sampler, GC-by-GC peaks) does not apply to it.
   */
  remote?: boolean
  /**
   * V8's sampling heap profiler of the measured heap, where it is another isolate's (`remote`): its
   * profile is built outside that heap, so the allocation pass stops and starts it between the
   * variants. Its frames' script URLs already name files; `isTool` tells the tool's own frames.
   */
  sampler?: RemoteSampler
  /**
   * Counts the measured heap's Maps, Sets and Arrays before the cycles, to find those grown after
   * (collection-census.ts): a page's, over the protocol. This isolate's own when absent and not remote.
   */
  census?: () => Promise<TakenCensus>
}

export interface RemoteSampler extends HeapSampler {
  /** Files whose frames are the tool's own (the page's runner), left out of the sites and totals. */
  isTool: (file: string) => boolean
}

/** Heap snapshots to write during the loop, each straight after a reading. */
export interface SnapshotSchedule {
  /** Readings after which to write one, ascending: 0 is the reading before the first cycle, i the one after cycle i. */
  after: readonly number[]
  files: readonly string[]
  /** Time spent writing them (and reading the heap again after), filled in by runCycles. */
  writeMs: number
}

export interface CycleOptions {
  /** Warm-up: stop once this many cycles have run and V8 has stopped compiling (see runCycles). 0 runs every context. */
  stopWhenQuiet?: number
  snapshots?: SnapshotSchedule
  /** Where the loop is, written as it goes; setting its `aborted` stops the loop at the next cycle boundary. */
  progress?: CheckProgress
  /**
   * Runs contexts[first] to contexts[first + count - 1] (default: all of them), so that contexts
   * for several loops can be made in one array before any of them runs. A warm-up loop
   * (stopWhenQuiet) tells its cycles to `progress` counted from `first`: the warm-up cycles before
   * it (runUncollected's) ran the contexts before.
   */
  first?: number
  count?: number
  /**
   * The loop continues one that ended with its reading at `at`: this loop still takes its own first
   * reading there (its frame must be alive in every reading it compares), but its readings are then
   * shifted to start from the earlier loop's last, so that what the tool did between the loops
   * (fitting the growth so far, and the feedback V8 gave that code) is not read as the block's.
   */
  continues?: boolean
  /**
   * Calls of the block between two readings (default 1): `count` and `stopWhenQuiet` count readings,
   * `first` and the contexts count calls. A full GC costs more than a fast block (6 ms in a 13 MB
   * worker, 100 ms at 100 MB): calls between collections cut a check's GCs, and a leak grows k-fold
   * between readings while their noise does not (measure.ts, callsPerReading).
   */
  callsPerReading?: number
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
 * Nothing here allocates what outlives a cycle: contexts, the series and the progress are made before
 * the first cycle, so the tool's own memory never shows up as the block's. When `progress.aborted` is
 * set the loop throws CheckAborted at the next cycle boundary, without reading the heap again.
 * What the block throws ends the loop: an Error as it is, anything else wrapped (blockFailure).
 */
export async function runCycles(
  block: Block,
  contexts: readonly CycleContext[],
  probe: HeapProbe,
  series: HeapSeries,
  at: number,
  options: CycleOptions = {},
): Promise<number> {
  const { stopWhenQuiet = 0, snapshots, progress = new CheckProgress(), first = 0, callsPerReading = 1, continues = false } = options
  const count = options.count ?? Math.floor((contexts.length - first) / callsPerReading)
  // Quiet is counted in calls: readings of k calls each need fewer of them in a row.
  const quietNeeded = Math.min(Math.ceil(QUIET_CYCLES / callsPerReading), stopWhenQuiet)
  let quiet = 0
  let nextSnapshot = 0
  // Read before this loop's first reading replaces them: numbers made now are part of every reading.
  const joinData = continues ? series.data[at]! : 0
  const joinCode = continues ? series.code[at]! : 0
  progress.startLoop(stopWhenQuiet === 0 ? Loop.measured : Loop.warmup)
  await collectAndRead(probe, series, at)
  if (snapshots?.after[0] === 0) await snapshotAndReread(probe, series, at, snapshots, nextSnapshot++)
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < callsPerReading; j++) {
      const call = i * callsPerReading + j
      // Pending work of one call finishes before the next, as before a reading.
      if (j > 0) await settle()
      // A warm-up loop's cycles are counted from `first`: the warm-up before it ran the contexts before.
      await callBlock(block, contexts[first + call]!, progress, stopWhenQuiet === 0 ? call : first + call)
    }
    const index = at + 1 + i
    await collectAndRead(probe, series, index)
    if (snapshots?.after[nextSnapshot] === i + 1) await snapshotAndReread(probe, series, index, snapshots, nextSnapshot++)
    if (stopWhenQuiet === 0) continue
    quiet = series.code[index] === series.code[index - 1] ? quiet + 1 : 0
    if (i + 1 >= stopWhenQuiet && quiet >= quietNeeded) return i + 1
  }
  if (continues) shiftReadings(series, at, count + 1, joinData - series.data[at]!, joinCode - series.code[at]!)
  return count
}

/**
 * Warm-up that is not read: runs the block once per context, letting pending work finish after each
 * call but forcing no GC, and stops once `stopWhenQuiet` cycles have run and V8 has compiled nothing
 * for QUIET_CYCLES cycles in a row (or stopWhenQuiet, when smaller); 0 runs every context. A full GC
 * costs more than a fast block (10 ms in a 13 MB worker, 100 ms at 100 MB), and what warm-up is for,
 * V8 compiling the block's code, needs calls, not collections: the code spaces only grow as V8
 * compiles, so their size read without a GC still says when it stopped. Returns the cycles run.
 * Only for passes that do not read the heap after it (the allocation pass's COLLECTED_WARMUP says why).
 */
export async function runUncollected(block: Block, contexts: readonly CycleContext[], probe: HeapProbe, options: Omit<CycleOptions, 'snapshots' | 'continues'> = {}): Promise<number> {
  const { stopWhenQuiet = 0, progress = new CheckProgress(), first = 0, count = contexts.length - first } = options
  const quietNeeded = Math.min(QUIET_CYCLES, stopWhenQuiet)
  let quiet = 0
  progress.startLoop(Loop.warmup)
  let code = probe.code()
  for (let i = 0; i < count; i++) {
    await callBlock(block, contexts[first + i]!, progress, first + i)
    await settle()
    if (stopWhenQuiet === 0) continue
    const now = probe.code()
    quiet = now === code ? quiet + 1 : 0
    code = now
    if (i + 1 >= stopWhenQuiet && quiet >= quietNeeded) return i + 1
  }
  return count
}

/** One call of the block, awaited, with `progress` tracking it; what it throws, as blockFailure says. */
export async function callBlock(block: Block, context: CycleContext, progress: CheckProgress, index: number): Promise<void> {
  // Plain number fields, written in place: where the check is, should it never come back.
  progress.enterBlock(index, context)
  // What the block returned stays a temporary: named, V8 kept it (and its value) alive across the
  // await into the reading (measured: a block resolving to 200 kB read 200 kB held every cycle).
  try {
    await progress.returnedFromBlock(block(context))
  } catch (thrown) {
    throw blockFailure(thrown, progress, progress.returned === 1)
  }
  // Abandoned while the block ran (its test timed out): stop before reading the heap again.
  progress.leaveBlock()
}

/** Adds the same offset to `points` readings from `from`, in place. Counts need none: the tool between loops adds no DOM node. */
function shiftReadings(series: HeapSeries, from: number, points: number, data: number, code: number): void {
  for (let i = from; i < from + points; i++) {
    series.data[i]! += data
    series.code[i]! += code
  }
}

export async function collectAndRead(probe: HeapProbe, series: HeapSeries, index: number): Promise<void> {
  await settle()
  const collecting = probe.gc()
  if (collecting) await collecting
  const reading = probe.read(series, index)
  if (reading) await reading
}

/**
 * Writes a snapshot of the heap just read, then reads again: writing the first snapshot makes V8
 * drop megabytes of its own caches, which would otherwise read as the next cycle shrinking the heap.
 */
async function snapshotAndReread(probe: HeapProbe, series: HeapSeries, index: number, schedule: SnapshotSchedule, which: number): Promise<void> {
  const started = now()
  const writing = probe.writeSnapshot ? probe.writeSnapshot(schedule.files[which]!) : v8.writeHeapSnapshot(schedule.files[which]!)
  if (writing instanceof Promise) await writing
  await collectAndRead(probe, series, index)
  schedule.writeMs += now() - started
}

/** Frozen contexts for `count` cycles starting at `first`, made up front. */
export function makeContexts(enabled: boolean, first: number, count: number): CycleContext[] {
  return Array.from({ length: count }, (_, i) => Object.freeze({ enabled, cycle: first + i }))
}
