import { describe, expect, test } from 'vitest'
import type { CycleContext, HeapProbe } from '../../src/engine/cycles.ts'
import { measureBudget, measureLeak, mostCallsPerReading, readingsEvery } from '../../src/engine/measure.ts'

/** A heap that holds exactly what the block says: the protocol and statistics without V8's noise. */
function fakeHeap() {
  const heap = { bytes: 1_000_000, code: 0, collections: 0 }
  const probe: HeapProbe = {
    gc: () => void heap.collections++,
    read: (series, index) => {
      series.data[index] = heap.bytes
      series.code[index] = heap.code
    },
    code: () => heap.code,
  }
  return { heap, probe }
}

describe('measureBudget', () => {
  test('runs warm-up and baseline disabled, then the candidate warm-up and candidate enabled, with unique cycle numbers', async () => {
    const { probe } = fakeHeap()
    const seen: CycleContext[] = []
    const m = await measureBudget((context) => void seen.push(context), { cycles: 5, warmup: 3 }, probe)
    expect(m.candidateWarmupRun).toBe(3)
    expect(seen.map((c) => c.enabled)).toEqual([...Array(8).fill(false), ...Array(8).fill(true)])
    expect(seen.map((c) => c.cycle)).toEqual(Array.from({ length: 16 }, (_, i) => i))
    expect(m.nextCycle).toBe(16)
    expect(Object.isFrozen(seen[0])).toBe(true)
  })

  test('firstCycle: a further run numbers its cycles on from where the first stopped', async () => {
    const { probe } = fakeHeap()
    const seen: number[] = []
    const m = await measureBudget(({ cycle }) => void seen.push(cycle), { cycles: 5, warmup: 3, firstCycle: 16 }, probe)
    expect(seen).toEqual(Array.from({ length: 16 }, (_, i) => 16 + i))
    expect(m.nextCycle).toBe(32)
  })

  test('collects before every reading: once up front and once per cycle', async () => {
    const { heap, probe } = fakeHeap()
    await measureBudget(() => {}, { cycles: 5, warmup: 3 }, probe)
    // initial, warm-up, baseline reference and cycles, candidate warm-up reference and cycles, candidate reference and cycles
    expect(heap.collections).toBe(1 + 3 + (1 + 5) + (1 + 3) + (1 + 5))
  })

  test('without warm-up the candidate follows the baseline directly', async () => {
    const { probe } = fakeHeap()
    const seen: CycleContext[] = []
    const m = await measureBudget((context) => void seen.push(context), { cycles: 5, warmup: 0 }, probe)
    expect(m.warmupRun).toBe(0)
    expect(m.candidateWarmupRun).toBe(0)
    expect(seen.map((c) => c.enabled)).toEqual([...Array(5).fill(false), ...Array(5).fill(true)])
  })

  test('code only the candidate runs is compiled in its warm-up, not read as its growth', async () => {
    const { heap, probe } = fakeHeap()
    // The feature's code compiles in its first 6 enabled calls, and V8's tables grow more than the
    // code each time (as feedback does): with no warm-up of its own that reads as a leak.
    let enabledCalls = 0
    const m = await measureBudget(({ enabled }) => {
      if (enabled && enabledCalls++ < 6) {
        heap.code += 1000
        heap.bytes += 3000
      }
    }, { cycles: 10, warmup: 4 }, probe)
    // 6 compiling cycles, then 4 quiet ones (the quiet run asked is the smaller of 5 and the warm-up).
    expect(m.candidateWarmupRun).toBe(10)
    expect(m.candidate.growth.perCycle).toBe(0)
    expect(m.candidate.growth.high).toBe(0)
    // What the compiled feature holds is still its cost.
    expect(m.retained.bytes).toBe(18_000)
  })

  test('warm-up runs on while V8 compiles, up to three times as long', async () => {
    const { heap, probe } = fakeHeap()
    // "Compiles" in each of the first 4 cycles: warm-up needs 3 quiet cycles after that (its minimum).
    const compiling = await measureBudget(({ cycle }) => void (heap.code += cycle < 4 ? 100 : 0), { cycles: 5, warmup: 3 }, probe)
    expect(compiling.warmupRun).toBe(7)
    heap.code = 0
    const never = await measureBudget(() => void (heap.code += 100), { cycles: 5, warmup: 3 }, probe)
    expect(never.warmupRun).toBe(9)
    const quiet = await measureBudget(() => {}, { cycles: 5, warmup: 3 }, probe)
    expect(quiet.warmupRun).toBe(3)
  })

  test('growth in cycles where V8 compiled no less than it grew is left out of the leak estimate', async () => {
    const { heap, probe } = fakeHeap()
    // Baseline cycles 1, 3 and 5 compile 6 kB of code and grow 1.5 kB of V8 tables; the block is clean.
    const m = await measureBudget(({ enabled, cycle }) => {
      const index = cycle - 3
      if (!enabled && index % 2 === 1 && index < 6) {
        heap.code += 6000
        heap.bytes += 1500
      }
    }, { cycles: 10, warmup: 3 }, probe)
    expect(m.baseline.growth.compilingCycles).toBe(3)
    expect(m.baseline.growth.perCycle).toBe(0)
    expect(m.baseline.growth.high).toBe(0)
  })

  test('a leak in the cycles that compile is still a leak', async () => {
    const { heap, probe } = fakeHeap()
    // Every 2nd cycle keeps a new Function: 300 B of bytecode, 4.4 kB of data.
    const m = await measureLeak(({ cycle }) => {
      if (cycle % 2 === 0) {
        heap.code += 300
        heap.bytes += 4400
      }
    }, { cycles: 20, warmup: 0 }, probe)
    expect(m.variant.growth.compilingCycles).toBe(0)
    expect(m.variant.growth.perCycle).toBe(2200)
  })

  test('a candidate that keeps 2 kB a cycle: candidate grows 2 kB/cycle, retains 2 kB x every enabled cycle', async () => {
    const { heap, probe } = fakeHeap()
    const m = await measureBudget(({ enabled }) => void (heap.bytes += enabled ? 2048 : 0), { cycles: 10, warmup: 4 }, probe)
    expect(m.baseline.growth.perCycle).toBe(0)
    expect(m.candidate.growth.perCycle).toBe(2048)
    expect(m.candidateWarmupRun).toBe(4)
    expect(m.retained.bytes).toBe(2048 * 14)
    expect(m.retained.uncertainty).toBe(0)
    expect(m.candidate.readings).toHaveLength(11)
    expect(m.candidate.readings[0]).toBe(m.baseline.readings[10]! + 4 * 2048)
  })

  test('a one-time cost in the first candidate cycle is retained, not growth', async () => {
    const { heap, probe } = fakeHeap()
    let cached = false
    const m = await measureBudget(({ enabled }) => {
      if (enabled && !cached) {
        cached = true
        heap.bytes += 200_000
      }
    }, { cycles: 10, warmup: 4 }, probe)
    expect(m.retained.bytes).toBe(200_000)
    expect(m.candidate.growth.perCycle).toBe(0)
  })

  test('growth both variants share is not the candidate\'s retained overhead', async () => {
    const { heap, probe } = fakeHeap()
    const m = await measureBudget(() => void (heap.bytes += 512), { cycles: 10, warmup: 4 }, probe)
    expect(m.baseline.growth.perCycle).toBe(512)
    expect(m.candidate.growth.perCycle).toBe(512)
    expect(m.retained.bytes).toBe(0)
  })

  test('a block that throws rejects with its own error', async () => {
    const { probe } = fakeHeap()
    const failure = new Error('boom')
    await expect(measureBudget(({ cycle }) => {
      if (cycle === 2) throw failure
    }, { cycles: 5, warmup: 3 }, probe)).rejects.toBe(failure)
  })
})

describe('measureLeak', () => {
  test('one variant, all disabled, growth per cycle of the measured cycles only', async () => {
    const { heap, probe } = fakeHeap()
    const seen: boolean[] = []
    const m = await measureLeak(({ enabled, cycle }) => {
      seen.push(enabled)
      // Warm-up allocates a lot once (lazy init); measured cycles leak 1 kB each.
      heap.bytes += cycle === 0 ? 500_000 : cycle >= 3 ? 1024 : 0
    }, { cycles: 8, warmup: 3 }, probe)
    expect(seen).toEqual(Array(11).fill(false))
    expect(m.variant.growth.perCycle).toBe(1024)
    expect(m.variant.growth.firstHalf).toBe(1024)
    expect(m.variant.growth.secondHalf).toBe(1024)
    expect(m.variant.readings).toHaveLength(9)
    expect(m.warmupReadings).toHaveLength(3)
  })

  test('firstCycle: the cycles go on from it, and nextCycle says where the next run starts', async () => {
    const { probe } = fakeHeap()
    const seen: number[] = []
    const m = await measureLeak(({ cycle }) => void seen.push(cycle), { cycles: 5, warmup: 3, firstCycle: 8 }, probe)
    expect(seen).toEqual([8, 9, 10, 11, 12, 13, 14, 15])
    expect(m.nextCycle).toBe(16)
  })

  /** A leak of 8 kB on every 10th cycle, counted by its own calls; `asked` records the cycles extendWhile saw. */
  function everyTenth(heap: { bytes: number }) {
    let calls = 0
    return () => void (++calls % 10 === 0 && (heap.bytes += 8192))
  }

  test('extendWhile: the run goes on by `cycles` at a time while it says so, up to three times as long', async () => {
    const { heap, probe } = fakeHeap()
    const asked: number[] = []
    const m = await measureLeak(everyTenth(heap), {
      cycles: 20, warmup: 3, extendWhile: (growth) => (asked.push(growth.cycles), true),
    }, probe)
    expect(asked).toEqual([20, 40])
    expect(m.cycles).toBe(60)
    expect(m.variant.readings).toHaveLength(61)
    expect(m.variant.growth.cycles).toBe(60)
    expect(m.nextCycle).toBe(3 + 60)
    // 6 steps of 8 kB over the 60 cycles.
    expect(m.variant.readings[60]! - m.variant.readings[0]!).toBe(6 * 8192)
  })

  test('extendWhile: the run stops as soon as it says the growth is settled', async () => {
    const { heap, probe } = fakeHeap()
    const asked: number[] = []
    const m = await measureLeak(everyTenth(heap), {
      cycles: 20, warmup: 3, extendWhile: (growth) => (asked.push(growth.cycles), growth.cycles < 40),
    }, probe)
    expect(asked).toEqual([20, 40])
    expect(m.cycles).toBe(40)
    expect(m.variant.readings).toHaveLength(41)
  })

  test('what the tool does between the loops is not read as the block\'s growth', async () => {
    const { heap, probe } = fakeHeap()
    // Deciding allocates 5 kB (V8 feedback for the fit, say): the extended readings must not step.
    const m = await measureLeak(() => {}, {
      cycles: 5, warmup: 3, extendWhile: () => ((heap.bytes += 5000), (heap.code += 300), true),
    }, probe)
    expect(m.cycles).toBe(15)
    expect(new Set(m.variant.readings)).toEqual(new Set([m.variant.readings[0]]))
    expect(m.variant.growth.perCycle).toBe(0)
    expect(m.variant.growth.compilingCycles).toBe(0)
  })

  test('extendWhile is refused with heap snapshots, whose cycles are fixed in advance', async () => {
    const { probe } = fakeHeap()
    await expect(measureLeak(() => {}, { cycles: 5, warmup: 0, snapshotDir: '/nowhere', extendWhile: () => true }, probe)).rejects.toThrowError(
      'measureLeak: extendWhile cannot be used with snapshotDir',
    )
  })
})

describe('warm-up of the passes that read the heap', () => {
  test('every warm-up cycle is collected and read, also past the 6 the allocation pass collects', async () => {
    const { heap, probe } = fakeHeap()
    const collectionsSeen: number[] = []
    const m = await measureLeak(() => void collectionsSeen.push(heap.collections), { cycles: 3, warmup: 10 }, probe)
    expect(m.warmupRun).toBe(10)
    expect(collectionsSeen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14])
    expect(m.warmupReadings).toHaveLength(10)
  })

  test('a fixed candidate warm-up (a second run matching its first) runs exactly as many cycles, V8 compiling or not', async () => {
    const { heap, probe } = fakeHeap()
    let enabledCalls = 0
    const m = await measureBudget(({ enabled }) => {
      heap.code += 100
      if (enabled) enabledCalls++
    }, { cycles: 2, warmup: 10, candidateWarmup: 9 }, probe)
    expect(m.candidateWarmupRun).toBe(9)
    expect(enabledCalls).toBe(9 + 2)
  })
})

/** Busy-waits `ms`: a call or a collection that takes that long on the check's clock. */
function spin(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until);
}

describe('calls between readings', () => {
  test('readingsEvery: every second call where a collection and reading took at least as long as a call', () => {
    // 3 calls of 1 ms against 4 collections of 6 ms (a fast block in a 13 MB worker).
    expect(readingsEvery(2, 3, 3, 24, 4)).toBe(2)
    // Equal times still halve the GCs: a third of the time saved.
    expect(readingsEvery(2, 6, 3, 8, 4)).toBe(2)
    // A block slower than the tool's collection: fewer readings would save little.
    expect(readingsEvery(2, 30, 3, 8, 4)).toBe(1)
    // Cycles that do not split into enough readings.
    expect(readingsEvery(1, 3, 3, 24, 4)).toBe(1)
  })

  test('mostCallsPerReading: 2 only where the cycles split evenly into 10 readings or more', () => {
    expect(mostCallsPerReading(20)).toBe(2)
    expect(mostCallsPerReading(40)).toBe(2)
    expect(mostCallsPerReading(21)).toBe(1)
    expect(mostCallsPerReading(18)).toBe(1)
  })

  test('two calls a reading: growth and its bounds per call, cycles counted in calls, half the collections', async () => {
    const { heap, probe } = fakeHeap()
    const seen: number[] = []
    const m = await measureLeak(({ cycle }) => {
      seen.push(cycle)
      heap.bytes += 100
    }, { cycles: 20, warmup: 4, callsPerReading: 2 }, probe)
    expect(m.callsPerReading).toBe(2)
    expect(m.variant.readings).toHaveLength(11)
    expect(m.variant.readings[1]! - m.variant.readings[0]!).toBe(200)
    expect(m.variant.growth).toMatchObject({ perCycle: 100, low: 100, high: 100, firstHalf: 100, secondHalf: 100, cycles: 20 })
    expect(m.warmupRun).toBe(4)
    expect(m.cycles).toBe(20)
    expect(seen).toEqual(Array.from({ length: 24 }, (_, i) => i))
    // initial, 2 warm-up readings, the reference and 10 measured readings
    expect(heap.collections).toBe(1 + 2 + 1 + 10)
  })

  test("'auto' reads every second call when the block is fast against a collection", async () => {
    const { heap, probe } = fakeHeap()
    const slowGc: HeapProbe = { ...probe, gc: () => { spin(3); heap.collections++ } }
    const m = await measureBudget(() => {}, { cycles: 20, warmup: 20, callsPerReading: 'auto' }, slowGc)
    expect(m.callsPerReading).toBe(2)
    // 4 timed cycles of one call (3, and one more for an even rest), then 8 readings of two: the 20 calls asked.
    expect(m.warmupRun).toBe(20)
    expect(m.baseline.readings).toHaveLength(11)
    expect(m.candidate.readings).toHaveLength(11)
    expect(m.cycles).toBe(20)
  })

  test("'auto' reads after every call when the block takes longer than a collection", async () => {
    const { probe } = fakeHeap()
    const m = await measureBudget(() => spin(3), { cycles: 20, warmup: 10, callsPerReading: 'auto' }, probe)
    expect(m.callsPerReading).toBe(1)
    expect(m.warmupRun).toBe(10)
    expect(m.baseline.readings).toHaveLength(21)
  })

  test("'auto' with a warm-up too short to hold a full quiet run after the timed cycles reads after every call, by the single loop's rule", async () => {
    const { heap, probe } = fakeHeap()
    const slowGc: HeapProbe = { ...probe, gc: () => { spin(3); heap.collections++ } }
    // Compiles in each of the first 5 calls: a warm-up of 7 then needs 5 quiet calls after them, 10 in all.
    let calls = 0
    const m = await measureLeak(() => void (heap.code += calls++ < 5 ? 100 : 0), { cycles: 20, warmup: 7, callsPerReading: 'auto' }, slowGc)
    expect(m.callsPerReading).toBe(1)
    expect(m.warmupRun).toBe(10)
  })

  test("'auto' reads a browser page (a remote probe) after every call, without timing, however slow its collections", async () => {
    const { heap, probe } = fakeHeap()
    const page: HeapProbe = { ...probe, remote: true, gc: () => { spin(3); heap.collections++ } }
    const m = await measureLeak(() => {}, { cycles: 20, warmup: 20, callsPerReading: 'auto' }, page)
    expect(m.callsPerReading).toBe(1)
    expect(m.variant.readings).toHaveLength(21)
    // initial, 20 warm-up readings, the reference and 20 measured: one loop, no timed cycles before it.
    expect(heap.collections).toBe(1 + 20 + 1 + 20)
  })

  test('a budget check at two calls a reading: retained over every enabled call, the candidate warm-up in calls', async () => {
    const { heap, probe } = fakeHeap()
    const m = await measureBudget(({ enabled }) => void (heap.bytes += enabled ? 2048 : 0), { cycles: 20, warmup: 4, callsPerReading: 2 }, probe)
    expect(m.candidateWarmupRun).toBe(4)
    expect(m.candidate.growth.perCycle).toBe(2048)
    expect(m.baseline.growth.perCycle).toBe(0)
    expect(m.retained.bytes).toBe(2048 * (4 + 20))
  })
})
