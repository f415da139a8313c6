import { createHeapProbe } from '../../../src/engine/heap-probe.ts'
/**
 * The allocation pass on fixtures with known truth (fixtures/blocks/allocations.ts), in this Vitest
 * worker. Margins are for a noisy 2-core machine: volume within 10% per run (the sampler's own
 * error is under 2% at 100 KB a cycle, far less above), the telemetry function at least 90% of the
 * extra bytes, the 16 MB peak within +3 MB / -0. Set ALLOCATIONS_REPORT=1 to print what was read.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { allocationFixtures, type AllocationFixture } from '../../../fixtures/blocks/allocations.ts'
import type { CycleContext } from '../../../src/engine/cycles.ts'
import {
  MAX_SAMPLING_INTERVAL,
  measureAllocations,
  splitDirect,
  type AllocationMeasurement,
} from '../../../src/engine/allocations/index.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const PLAN = { cycles: 20, warmup: 20 }
const MB = 1024 * 1024

const fixture = (name: string): AllocationFixture => allocationFixtures.find((f) => f.name === name)!

/** Every fixture measured once, up front, one after another: each takes 0.3-2.5 s. */
const results = new Map<string, AllocationMeasurement>()
beforeAll(async () => {
  for (const f of allocationFixtures) {
    const block = f.create()
    results.set(f.name, await measureAllocations(block, PLAN))
    block.dispose?.()
    if (process.env.ALLOCATIONS_REPORT) report(f.name, results.get(f.name)!)
  }
})

function report(name: string, m: AllocationMeasurement): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
  const lines = [`${name}: baseline ${kb(m.baseline.bytesPerCycle)}, candidate ${kb(m.candidate.bytesPerCycle)} a cycle; extra peak ${kb(m.extraPeak!)}; ${Math.round(m.durationMs)} ms`]
  for (const s of m.extraSites.slice(0, 3)) lines.push(`  ${s.functionName} ${path.relative(ROOT, s.file)}:${s.line} ${kb(s.bytesPerCycle)} ${(100 * s.share).toFixed(1)}%`)
  console.log(lines.join('\n'))
}

describe('allocation volume per cycle, garbage included', () => {
  test.each(['allocations-garbage-100kb', 'allocations-garbage-1mb', 'allocations-garbage-10mb', 'allocations-telemetry-200kb'])(
    '%s: both variants within 10%',
    (name) => {
      const { allocation } = fixture(name)
      const m = results.get(name)!
      expect(m.baseline.bytesPerCycle / allocation.baselinePerCycle).toBeGreaterThan(0.9)
      expect(m.baseline.bytesPerCycle / allocation.baselinePerCycle).toBeLessThan(1.1)
      expect(m.candidate.bytesPerCycle / allocation.candidatePerCycle).toBeGreaterThan(0.9)
      expect(m.candidate.bytesPerCycle / allocation.candidatePerCycle).toBeLessThan(1.1)
    },
  )

  test('the engine keeps its own allocations (loop, settle, profilers) out of the figures', () => {
    const m = results.get('allocations-garbage-100kb')!
    expect(m.baseline.toolBytesPerCycle).toBeGreaterThan(0)
    const files = [...m.baseline.sites, ...m.candidate.sites].map((s) => s.file)
    expect(files.filter((file) => file.includes(`${path.sep}src${path.sep}engine${path.sep}`))).toEqual([])
  })
})

describe('allocation sites', () => {
  test('the 200 KB extra: serializeTelemetry in its own file is the top extra site, with 90% or more', () => {
    const m = results.get('allocations-telemetry-200kb')!
    const [top] = m.extraSites
    expect(top).toMatchObject({ functionName: 'serializeTelemetry', file: path.join(ROOT, 'fixtures/blocks/telemetry/serialize.ts'), kind: 'code' })
    expect(top!.share).toBeGreaterThanOrEqual(0.9)
    expect(top!.bytesPerCycle / (200 * 1024)).toBeGreaterThan(0.9)
    expect(top!.bytesPerCycle / (200 * 1024)).toBeLessThan(1.1)
  })

  test('direct vs indirect: 90% or more of the extra is direct under fixtures/blocks/telemetry/**', () => {
    const m = results.get('allocations-telemetry-200kb')!
    const split = splitDirect(m.extraSites, ['fixtures/blocks/telemetry/**'], ROOT)
    expect(split.direct.share).toBeGreaterThanOrEqual(0.9)
    expect(split.direct.sites[0]!.functionName).toBe('serializeTelemetry')
  })

  test('sites name the allocating function with its start line', () => {
    const m = results.get('allocations-garbage-1mb')!
    expect(m.baseline.sites[0]).toMatchObject({ functionName: 'makeGarbage', file: path.join(ROOT, 'fixtures/blocks/allocations.ts'), kind: 'code' })
    expect(m.baseline.sites[0]!.line).toBeGreaterThan(1)
  })
})

describe('peak', () => {
  test('a candidate holding 16 MB at once: extra peak within +3 MB / -0 of 16 MB', () => {
    const m = results.get('allocations-peak-16mb')!
    expect(m.extraPeak).toBeGreaterThanOrEqual(16 * MB)
    expect(m.extraPeak).toBeLessThanOrEqual(19 * MB)
    expect(m.extraSites[0]).toMatchObject({ functionName: 'holdSixteenMegabytes' })
  })

  test('garbage is not held: the same 1 MB of garbage in both variants peaks alike (within 256 KB)', () => {
    const m = results.get('allocations-garbage-1mb')!
    expect(Math.abs(m.extraPeak!)).toBeLessThan(256 * 1024)
    // A peak is a peak of the used heap: it does include garbage not yet collected.
    expect(m.baseline.peakAboveStart).toBeGreaterThan(0.5 * MB)
  })
})

describe('peak per cycle', () => {
  test('each cycle is read on its own: a 16 MB spike in one candidate cycle of 10 is reported, not judged as typical', async () => {
    let sink: Buffer | undefined
    const spikeOnce = ({ enabled, cycle }: CycleContext) => {
      if (!enabled || cycle % 10 !== 3) return
      // 16 MB of external memory, garbage at once: the cycle's forced GC finds it not yet collected.
      sink = Buffer.alloc(16 * MB, cycle)
      sink = undefined
    }
    const m = await measureAllocations(spikeOnce, { cycles: 10, warmup: 5 })
    expect(m.candidate.cyclePeaks!).toHaveLength(10)
    // The spike is in the record, as the variant's highest point and as one cycle's peak...
    expect(m.candidate.peakAboveStart).toBeGreaterThan(15 * MB)
    expect(m.candidate.cyclePeaks!.filter((bytes) => bytes > 15 * MB)).toHaveLength(1)
    // ...but the typical cycle of each variant holds nothing, and so does the extra with its interval.
    expect(Math.abs(m.extraPeak!)).toBeLessThan(256 * 1024)
    expect(m.extraPeakRange!.high).toBeLessThan(MB)
  })

  test('a candidate that peaks 16 MB higher in every cycle: the interval is tight around the shift', () => {
    const m = results.get('allocations-peak-16mb')!
    expect(m.extraPeakRange!.low).toBeGreaterThanOrEqual(16 * MB)
    expect(m.extraPeakRange!.low).toBeLessThanOrEqual(m.extraPeak!)
    expect(m.extraPeakRange!.high).toBeGreaterThanOrEqual(m.extraPeak!)
    expect(m.candidate.cyclePeaks!.every((bytes) => bytes >= 16 * MB)).toBe(true)
  })
})

describe('protocol', () => {
  test('warm-up and baseline disabled, then the candidate enabled; contexts frozen, cycles unique', async () => {
    const seen: CycleContext[] = []
    const m = await measureAllocations((context) => void seen.push(context), { cycles: 5, warmup: 3 })
    expect(seen.map((c) => c.enabled)).toEqual([...Array(m.warmupRun + 5).fill(false), ...Array(5).fill(true)])
    expect(seen.map((c) => c.cycle)).toEqual(Array.from({ length: m.warmupRun + 10 }, (_, i) => i))
    expect(seen.every((c) => Object.isFrozen(c))).toBe(true)
    expect(m.baseline.gcs).toBeGreaterThanOrEqual(5)
  })

  test('its warm-up collects only its last 6 cycles, as the retained pass\'s does', async () => {
    const real = createHeapProbe()
    let collections = 0
    const probe = { ...real, gc: () => void (collections++, real.gc()) }
    const collectionsSeen: number[] = []
    const m = await measureAllocations(({ enabled }) => void (enabled || collectionsSeen.push(collections)), { cycles: 3, warmup: 10 }, { probe })
    // Quiet code here would stop at 10; V8 may compile on for a while, in the uncollected part or the collected.
    const warmup = collectionsSeen.slice(0, m.warmupRun)
    expect(warmup.filter((n) => n === 0).length).toBeGreaterThanOrEqual(4)
    expect(warmup.at(-1)! - warmup.find((n) => n > 0)!).toBeGreaterThanOrEqual(5)
    expect(new Set(warmup.filter((n) => n > 0)).size).toBe(warmup.filter((n) => n > 0).length)
  })

  test('firstCycle: the pass numbers its cycles on from another pass over the same block', async () => {
    const seen: number[] = []
    const m = await measureAllocations(({ cycle }) => void seen.push(cycle), { cycles: 5, warmup: 3, firstCycle: 56 })
    expect(seen).toEqual(Array.from({ length: m.warmupRun + 10 }, (_, i) => 56 + i))
  })

  test('a block that throws: the error comes through, and the next pass can sample again', async () => {
    const failing = ({ enabled }: CycleContext) => {
      if (enabled) throw new Error('block failed')
    }
    await expect(measureAllocations(failing, { cycles: 3, warmup: 1 })).rejects.toThrowError('block failed')
    const m = await measureAllocations(() => new Array(1000).fill(0), { cycles: 3, warmup: 1 })
    expect(m.baseline.bytesPerCycle).toBeGreaterThan(4000)
  })

  test('rejects a sampling interval that is not a whole number of bytes in range', async () => {
    await expect(measureAllocations(() => {}, PLAN, { samplingInterval: 0 })).rejects.toThrowError(
      `samplingInterval must be a whole number of bytes from 1 to ${MAX_SAMPLING_INTERVAL}; got 0`,
    )
    await expect(measureAllocations(() => {}, PLAN, { samplingInterval: 1.5 })).rejects.toThrowError('got 1.5')
    await expect(measureAllocations(() => {}, { cycles: 0, warmup: 0 })).rejects.toThrowError(
      'cycles must be a whole number of at least 1; got 0',
    )
  })
})
