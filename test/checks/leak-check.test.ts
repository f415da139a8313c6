import { describe, expect, test } from 'vitest'
import { growthUnsettled, REWARM_CYCLES, runLeakCheck } from '../../src/checks/leak-check.ts'
import type { HeapProbe } from '../../src/engine/cycles.ts'
import type { GrowthEstimate } from '../../src/engine/growth.ts'

const growth = (perCycle: number, low: number, halves: [number, number]): GrowthEstimate => ({
  perCycle, low, high: perCycle * 2, firstHalf: halves[0], secondHalf: halves[1], cycles: 20, compilingCycles: 0,
})

describe('growthUnsettled: when toLeakMemory measures on', () => {
  test('a slope over the floor whose interval reaches 0, as 2 steps of a leak every 10th cycle read in 20 cycles', () => {
    expect(growthUnsettled(growth(730, 0, [819, 0]), 0)).toBe(true)
  })

  test('a slope over the floor that one half does not share (unsteady)', () => {
    expect(growthUnsettled(growth(400, 120, [800, 0]), 0)).toBe(true)
  })

  test('not a leak heap statistics already call, nor a slope under the floor or the limit', () => {
    expect(growthUnsettled(growth(1024, 1000, [1024, 1024]), 0)).toBe(false)
    expect(growthUnsettled(growth(64, 0, [64, 0]), 0)).toBe(false)
    expect(growthUnsettled(growth(0, 0, [0, 0]), 0)).toBe(false)
    expect(growthUnsettled(growth(900, 0, [900, 0]), 1000)).toBe(false)
  })
})

/** A probe that reads 1 kB per entry of `cache`, and V8 never compiling. */
function cacheProbe(cache: Map<number, unknown>): HeapProbe {
  return {
    gc: () => {},
    read: (series, index) => {
      series.data[index] = 1_000_000 + 1024 * cache.size
      series.code[index] = 0
    },
    code: () => 0,
  }
}

describe('runLeakCheck: the run with heap snapshots', () => {
  test(`warms up ${REWARM_CYCLES} cycles, not the first run's 20: the first run compiled the block`, async () => {
    const cache = new Map<number, number[]>()
    let calls = 0
    const outcome = await runLeakCheck(({ cycle }) => {
      calls++
      cache.set(cycle, new Array(100).fill(cycle))
    }, { cycles: 10, warmup: 20, leak: 0 }, cacheProbe(cache))
    expect(outcome.secondRun).toBe(true)
    expect(outcome.measurement.warmupRun).toBe(20)
    expect(calls).toBe(20 + 10 + REWARM_CYCLES + 10)
  }, 60_000)
})

describe('runLeakCheck: calls between readings', () => {
  test('a fast block against a slow collection is read every second call, in both runs, and its leak per call stays exact', async () => {
    const cache = new Map<number, number[]>()
    const probe = cacheProbe(cache)
    const slowGc: HeapProbe = { ...probe, gc: () => spin(3) }
    let calls = 0
    const outcome = await runLeakCheck(({ cycle }) => {
      calls++
      cache.set(cycle, new Array(100).fill(cycle))
    }, { cycles: 20, warmup: 20, leak: 0 }, slowGc)
    expect(outcome.secondRun).toBe(true)
    expect(outcome.verdict.pass).toBe(false)
    expect(outcome.measurement.callsPerReading).toBe(2)
    expect(outcome.measurement.variant.readings).toHaveLength(11)
    expect(outcome.measurement.variant.growth.perCycle).toBe(1024)
    // The first run: 3 timed cycles, then readings of two calls up to 20 or more; the second: 6 calls of warm-up.
    expect(calls).toBe(outcome.measurement.warmupRun + 20 + 6 + 20)
  }, 60_000)
})

/** Busy-waits `ms`: a collection that takes that long. */
function spin(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until);
}

describe('runLeakCheck: `cycle` is unique within one call', () => {
  test('a leak through a cache keyed by `cycle` still leaks in the run with heap snapshots, and fails', async () => {
    // The cache holds real objects (the snapshots see them); the probe reads 1 kB per entry.
    const cache = new Map<number, number[]>()
    const seen: number[] = []
    const outcome = await runLeakCheck(({ cycle }) => {
      seen.push(cycle)
      if (!cache.has(cycle)) cache.set(cycle, new Array(100).fill(cycle))
    }, { cycles: 10, warmup: 5, leak: 0 }, cacheProbe(cache))
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i))
    expect(outcome.secondRun).toBe(true)
    expect(outcome.verdict.pass).toBe(false)
    expect(outcome.evidence.block!.groups.map((group) => group.name)).toContain('Array')
  }, 60_000)
})

/** A probe that reads the heap growing 1 kB every cycle, whatever the block keeps, and V8 never compiling. */
function steadyProbe(): HeapProbe {
  let reads = 0
  return {
    gc: () => {},
    read: (series, index) => {
      series.data[index] = 1_000_000 + 1024 * reads++
      series.code[index] = 0
    },
    code: () => 0,
  }
}

// A second run whose snapshots hold one object only, a one-off, passes (judge.test.ts, keepsNothingTwice):
// not tested here end to end, as this worker's own RPC can leave a pending Promise or two in a snapshot.
describe('runLeakCheck: a first run that read growth, and a second run whose snapshots explain it', () => {
  // Cycles 0-24 are the first run (20 + 5), 25-29 the second's warm-up, 30-34 its measured cycles.
  const plan = { cycles: 5, warmup: 20, leak: 0 }

  test('an object kept in each half of the second run is growth: the first run\'s failure stands', async () => {
    const held: ArrayBuffer[] = []
    const outcome = await runLeakCheck(({ cycle }) => {
      if (cycle === 31 || cycle === 34) held.push(new ArrayBuffer(65_536))
    }, plan, steadyProbe())
    expect(outcome.secondRun).toBe(true)
    expect(outcome.evidence.block!.groups.map(({ name, count }) => ({ name, count }))).toContainEqual({ name: 'ArrayBuffer', count: 2 })
    expect(outcome.verdict.pass).toBe(false)
  }, 60_000)
})
