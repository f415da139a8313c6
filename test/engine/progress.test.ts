import { describe, expect, test } from 'vitest'
import { measureAllocations } from '../../src/engine/allocations/index.ts'
import type { CycleContext, HeapProbe } from '../../src/engine/cycles.ts'
import { measureBudget, measureLeak } from '../../src/engine/measure.ts'
import { makeContexts, runCycles, runUncollected } from '../../src/engine/cycles.ts'
import { createSeries } from '../../src/engine/heap-reading.ts'
import { now } from '../../src/engine/own-timers.ts'
import { CheckAborted, CheckProgress, describeProgress, describeTimeSpent, Loop, Pass } from '../../src/engine/progress.ts'

/** A probe that counts collections and reads a constant heap: the protocol without V8. */
function countingProbe() {
  const counts = { collections: 0 }
  const probe: HeapProbe = {
    gc: () => void counts.collections++,
    read: (series, index) => {
      series.data[index] = 1_000_000
      series.code[index] = 0
    },
    code: () => 0,
  }
  return { counts, probe }
}

/** A block that hangs in the cycle numbered `at` until released, and records every cycle it is called for. */
function hangingBlock(at: number) {
  const seen: number[] = []
  let release = () => {}
  let reached = () => {}
  const hanging = new Promise<void>((resolve) => (reached = resolve))
  const block = ({ cycle }: CycleContext) => {
    seen.push(cycle)
    if (cycle !== at) return undefined
    reached()
    return new Promise<void>((resolve) => (release = resolve))
  }
  return { block, seen, hanging, release: () => release() }
}

describe('a check that hangs says where, and stops when aborted', () => {
  test('in the candidate of a budget check: no cycle and no reading after the abort', async () => {
    const { counts, probe } = countingProbe()
    const progress = new CheckProgress()
    const { block, seen, hanging, release } = hangingBlock(9)
    const measuring = measureBudget(block, { cycles: 5, warmup: 2 }, probe, progress)
    await hanging
    // Warm-ups run their 2 cycles (the fake heap never compiles): baseline warm-up 0-1, baseline 2-6,
    // candidate warm-up 7-8, candidate 9-13.
    expect(describeProgress(progress, 'budget', 5)).toBe("candidate cycle 1 of 5 ({ enabled: true, cycle: 9 }), whose block's promise had not settled")
    const collections = counts.collections
    progress.aborted = true
    release()
    await expect(measuring).rejects.toBeInstanceOf(CheckAborted)
    expect(seen.at(-1)).toBe(9)
    expect(counts.collections).toBe(collections)
  })

  test('in the warm-up of a leak check', async () => {
    const { probe } = countingProbe()
    const progress = new CheckProgress()
    const { block, hanging, release } = hangingBlock(1)
    const measuring = measureLeak(block, { cycles: 5, warmup: 3 }, probe, progress)
    await hanging
    expect(describeProgress(progress, 'leak', 5)).toBe("warm-up cycle 2 ({ enabled: false, cycle: 1 }), whose block's promise had not settled")
    progress.aborted = true
    release()
    await expect(measuring).rejects.toThrow('the check was abandoned')
  })

  test('in a warm-up split in uncollected and collected cycles, counted over both alike', async () => {
    const { counts, probe } = countingProbe()
    for (const [at, where] of [[2, 'warm-up cycle 3 ({ enabled: false, cycle: 2 })'], [8, 'warm-up cycle 9 ({ enabled: false, cycle: 8 })']] as const) {
      const progress = new CheckProgress()
      const { block, hanging, release } = hangingBlock(at)
      // The allocation pass's warm-up: 4 cycles uncollected, then 6 collected, over one array of contexts.
      const contexts = makeContexts(false, 0, 30)
      const warming = (async () => {
        const ran = await runUncollected(block, contexts, probe, { progress, stopWhenQuiet: 4, count: 4 })
        await runCycles(block, contexts, probe, createSeries(10), 0, { progress, first: ran, stopWhenQuiet: 6, count: 6 })
      })()
      await hanging
      expect(describeProgress(progress, 'leak', 5)).toBe(`${where}, whose block's promise had not settled`)
      progress.aborted = true
      release()
      await expect(warming).rejects.toThrow('the check was abandoned')
    }
    // The hang at cycle 2 was in the uncollected part (4 cycles of 10); at 8, the collected part had run 4 of its 6.
    expect(counts.collections).toBe(1 + 4)
  })

  test('in the allocation pass, whose variants run in loops of their own', async () => {
    const { probe } = countingProbe()
    const progress = new CheckProgress()
    progress.pass = Pass.allocation
    const { block, hanging, release } = hangingBlock(5)
    // No warm-up: baseline cycles 0-2, candidate 3-5.
    const measuring = measureAllocations(block, { cycles: 3, warmup: 0 }, { probe, progress })
    await hanging
    expect(describeProgress(progress, 'budget', 3)).toBe(
      "the allocation pass, candidate cycle 3 of 3 ({ enabled: true, cycle: 5 }), whose block's promise had not settled",
    )
    progress.aborted = true
    release()
    await expect(measuring).rejects.toBeInstanceOf(CheckAborted)
  })

  test('a check aborted before a loop starts runs no cycle', async () => {
    const { counts, probe } = countingProbe()
    const progress = new CheckProgress()
    progress.aborted = true
    const seen: number[] = []
    await expect(measureLeak(({ cycle }) => void seen.push(cycle), { cycles: 5, warmup: 0 }, probe, progress)).rejects.toBeInstanceOf(CheckAborted)
    expect(seen).toEqual([])
    expect(counts.collections).toBe(0)
  })
})

describe('describeProgress', () => {
  const at = (fields: Partial<CheckProgress>) => Object.assign(new CheckProgress(), fields)
  test.each<[string, Partial<CheckProgress>, 'budget' | 'leak', string]>([
    ['baseline', { loop: Loop.measured, index: 1, cycle: 21, enabled: 0, inBlock: 1 }, 'budget', "baseline cycle 2 of 20 ({ enabled: false, cycle: 21 }), whose block's promise had not settled"],
    ['measured, after the block', { loop: Loop.measured, index: 4, cycle: 24, inBlock: 0 }, 'leak', 'measured cycle 5 of 20 ({ enabled: false, cycle: 24 }), after its block had returned, while collecting garbage and reading the heap'],
    ['the first reading', { loop: Loop.warmup, index: -1 }, 'leak', 'collecting garbage before the first warm-up cycle'],
    ['the second run', { pass: Pass.snapshots, loop: Loop.measured, index: 0, cycle: 20, inBlock: 1 }, 'leak', "the second run (with heap snapshots), measured cycle 1 of 20 ({ enabled: false, cycle: 20 }), whose block's promise had not settled"],
    ['reading snapshots', { pass: Pass.analysis }, 'budget', 'reading the heap snapshots, after every cycle had run'],
  ])('%s', (_, fields, kind, words) => {
    expect(describeProgress(at(fields), kind, 20)).toBe(words)
  })
})

describe('where a cut-off check spent its time', () => {
  /** A progress whose check started `totalMs` ago, its block having run `blockMs` over `calls` calls. */
  function spent(totalMs: number, blockMs: number, calls: number, inBlockForMs?: number): CheckProgress {
    const progress = new CheckProgress()
    const at = now()
    progress.clock[0] = at - totalMs
    progress.clock[1] = blockMs
    progress.calls = calls
    if (inBlockForMs !== undefined) {
      progress.inBlock = 1
      progress.clock[2] = at - inBlockForMs
    }
    return progress
  }
  const account = (total: string, block: string, calls: string, tool: string) =>
    `In its ${total}, the block ran ${block} (${calls}) and the tool ${tool} (full GCs and heap readings between calls, heap snapshots, their analysis).`
  const more = "give the test more time (test('…', fn, 60_000), or testTimeout in the config)"

  test("mostly the tool's own work", () => {
    expect(describeTimeSpent(spent(5000, 400, 57))).toBe(
      `${account('5.0 s', '0.4 s', '57 calls', '4.6 s')} Most of it was the tool's own, which grows with the worker's heap and the machine's load: ${more}, or fewer cycles.`,
    )
  })

  test("mostly the block's", () => {
    expect(describeTimeSpent(spent(12_000, 9000, 1))).toBe(
      `${account('12 s', '9.0 s', '1 call', '3.0 s')} Most of it was the block's, which a check runs many times (warm-up, then every cycle of each variant): ${more}, or fewer cycles, or less work per call.`,
    )
  })

  test('a call that has not returned, longer than all the tool did: a block that may never settle', () => {
    // 3 calls returned in 0.1 s, the fourth has run for 4 s of the 5.
    expect(describeTimeSpent(spent(5000, 100, 3, 4000))).toBe(
      `${account('5.0 s', '4.1 s', '4 calls', '0.9 s')} A block whose promise never settles hangs its check there: look at what that cycle waits for. A block that is only slow needs more time: ${more}, or fewer cycles.`,
    )
  })
})
