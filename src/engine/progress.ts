/**
 * Where a check is, so that a check cut short (a test timeout, a check nobody awaited) can say which
 * cycle it was in, and be told to stop. The loops write plain number fields of one object made
 * before the first cycle: tracking allocates nothing while cycles are measured.
 */

/** Which pass of a check is running: the field `pass` holds one of these. */
export const Pass = {
  /** The budget check's retained pass, or toLeakMemory's first run. */
  retained: 0,
  /** The budget check's allocation pass, under the sampling heap profiler. */
  allocation: 1,
  /** A second run, with heap snapshots, when the first run's heap statistics left the verdict open or its cause unnamed. */
  snapshots: 2,
  /** Heap snapshots being read, in a worker thread; no cycle runs. */
  analysis: 3,
} as const

/** Which loop of the pass: the field `loop` holds one of these. */
export const Loop = { warmup: 0, measured: 1 } as const

import { now } from './own-timers.ts'

/** Thrown by the loops once `aborted` is set: the check was abandoned, nobody reads its result. */
export class CheckAborted extends Error {
  override name = 'CheckAborted'
}

export class CheckProgress {
  pass: number = Pass.retained
  loop: number = Loop.warmup
  /** 0-based index of the current cycle in its loop; -1 while the loop takes its first reading. */
  index = -1
  /** The current cycle's context: `cycle` and `enabled` (1 or 0), as the block received them. */
  cycle = -1
  enabled = 0
  /** 1 from the block's call until it has returned (and its promise settled); 0 while the tool collects and reads. */
  inBlock = 0
  /** 1 once the block has returned, while what it returned settles; 0 from the block's call until then. */
  returned = 0
  /** Set from outside to stop the check at the next cycle boundary; the loops then throw CheckAborted. */
  aborted = false
  /** Calls of the block that have returned, over every pass. */
  calls = 0
  /**
   * Where the time went, in ms on Node's own clock: [the check's start, the block's time so far, the
   * current call's start]. Written in place, so that timing allocates nothing that outlives a cycle.
   */
  readonly clock = new Float64Array(3)

  constructor() {
    this.clock[0] = now()
  }
  /**
   * The check's heap snapshot folder while it has one, set before its first cycle: whoever abandons
   * the check removes it, since a block that never settles never lets the check's own cleanup run.
   */
  snapshotDir: string | undefined = undefined

  /** A loop begins, before its first reading. Throws CheckAborted if the check was abandoned. */
  startLoop(loop: number): void {
    this.loop = loop
    this.index = -1
    this.inBlock = 0
    this.stopIfAborted()
  }

  /** The block is about to be called for the loop's cycle `index`. */
  enterBlock(index: number, context: { readonly cycle: number; readonly enabled: boolean }): void {
    this.index = index
    this.cycle = context.cycle
    this.enabled = context.enabled ? 1 : 0
    this.inBlock = 1
    this.clock[2] = now()
    this.returned = 0
  }

  /** The block has returned `value` (a promise, or anything), which the loop awaits next: passed through. */
  returnedFromBlock<T>(value: T): T {
    this.returned = 1
    return value
  }

  /** The block has returned and settled. Throws CheckAborted if the check was abandoned meanwhile. */
  leaveBlock(): void {
    this.inBlock = 0
    this.clock[1] = this.clock[1]! + (now() - this.clock[2]!)
    this.calls++
    this.stopIfAborted()
  }

  private stopIfAborted(): void {
    if (this.aborted) throw new CheckAborted('the check was abandoned')
  }
}

const PASS_NAMES = ['', 'the allocation pass, ', 'the second run (with heap snapshots), ', '']

/**
 * Where the check is, in words: `candidate cycle 3 of 5 ({ enabled: true, cycle: 7 }), whose block's
 * promise had not settled`. `kind` and `cycles` come from the check's plan: a budget check's measured loop
 * runs the baseline's cycles then the candidate's, toLeakMemory's one variant. `state: false` leaves
 * out what the cycle was doing (a block that threw was in its block, but not waiting on it).
 */
export function describeProgress(progress: CheckProgress, kind: 'budget' | 'leak', cycles: number, { state = true } = {}): string {
  const { pass, index, inBlock } = progress
  if (pass === Pass.analysis) return 'reading the heap snapshots, after every cycle had run'
  if (index < 0) return `${PASS_NAMES[pass] ?? ''}collecting garbage before the first ${loopName(progress, kind)} cycle`
  if (!state) return describeCycle(progress, kind, cycles)
  return `${describeCycle(progress, kind, cycles)}, ` +
    (inBlock ? "whose block's promise had not settled" : 'after its block had returned, while collecting garbage and reading the heap')
}

/** The cycle the check is in, in words: `the allocation pass, candidate cycle 3 of 5 ({ enabled: true, cycle: 7 })`. */
export function describeCycle(progress: CheckProgress, kind: 'budget' | 'leak', cycles: number): string {
  const { pass, loop, index, cycle, enabled } = progress
  const ordinal = loop === Loop.warmup ? `${index + 1}` : `${(index % cycles) + 1} of ${cycles}`
  const context = `({ enabled: ${enabled === 1}, cycle: ${cycle} })`
  return `${PASS_NAMES[pass] ?? ''}${loopName(progress, kind)} cycle ${ordinal} ${context}`
}

function loopName({ loop, enabled }: CheckProgress, kind: 'budget' | 'leak'): string {
  if (loop === Loop.warmup) return kind === 'budget' && enabled ? 'candidate warm-up' : 'warm-up'
  return kind === 'leak' ? 'measured' : enabled ? 'candidate' : 'baseline'
}

/**
 * Where a check's time went, for a check cut off by its test's timeout, and what to do about it:
 * a block that never settles, a slow block, or the tool's own work (full GCs, heap snapshots and
 * their analysis, which grow with the worker's heap and the machine's load).
 */
export function describeTimeSpent(progress: CheckProgress): string {
  const [started = 0, finishedCalls = 0, callStarted = 0] = progress.clock
  const at = now()
  const total = at - started
  const block = finishedCalls + (progress.inBlock ? at - callStarted : 0)
  const tool = Math.max(0, total - block)
  const calls = progress.calls + progress.inBlock
  const account = `In its ${seconds(total)}, the block ran ${seconds(block)} (${calls} ${calls === 1 ? 'call' : 'calls'}) and the tool ${seconds(tool)} (full GCs and heap readings between calls, heap snapshots, their analysis).`
  const more = "give the test more time (test('…', fn, 60_000), or testTimeout in the config)"
  if (progress.inBlock && at - callStarted >= tool) {
    return `${account} A block whose promise never settles hangs its check there: look at what that cycle waits for. A block that is only slow needs more time: ${more}, or fewer cycles.`
  }
  if (block > tool) {
    return `${account} Most of it was the block's, which a check runs many times (warm-up, then every cycle of each variant): ${more}, or fewer cycles, or less work per call.`
  }
  return `${account} Most of it was the tool's own, which grows with the worker's heap and the machine's load: ${more}, or fewer cycles.`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}
