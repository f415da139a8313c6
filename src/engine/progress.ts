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
  /** toLeakMemory's second run, with heap snapshots. */
  snapshots: 2,
  /** Heap snapshots being read, in a worker thread; no cycle runs. */
  analysis: 3,
} as const

/** Which loop of the pass: the field `loop` holds one of these. */
export const Loop = { warmup: 0, measured: 1 } as const

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
 * runs the baseline's cycles then the candidate's, toLeakMemory's one variant.
 */
export function describeProgress(progress: CheckProgress, kind: 'budget' | 'leak', cycles: number): string {
  const { pass, index, inBlock } = progress
  if (pass === Pass.analysis) return 'reading the heap snapshots, after every cycle had run'
  if (index < 0) return `${PASS_NAMES[pass] ?? ''}collecting garbage before the first ${loopName(progress, kind)} cycle`
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
