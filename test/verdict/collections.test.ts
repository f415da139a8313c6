import { describe, expect, test } from 'vitest'
import type { GrownCollection } from '../../src/engine/collection-census.ts'
import type { GrowthEstimate } from '../../src/engine/growth.ts'
import type { LeakMeasurement } from '../../src/engine/measure.ts'
import type { PhaseAnalysis } from '../../src/engine/snapshots/analyse.ts'
import type { GrowingCollection } from '../../src/engine/snapshots/growing-collections.ts'
import { formatLeakVerdict } from '../../src/verdict/format-verdict.ts'
import { judgeLeak } from '../../src/verdict/judge.ts'

const flat: GrowthEstimate = { perCycle: 0, low: 0, high: 0, firstHalf: 0, secondHalf: 0, cycles: 20, compilingCycles: 0 }

const measurement = (collections: GrownCollection[]): LeakMeasurement => ({
  kind: 'leak', callsPerReading: 1, cycles: 20, warmup: 20, warmupRun: 21, snapshotMs: 0, warmupReadings: [], durationMs: 1, nextCycle: 41,
  variant: { readings: [], growth: flat },
  collections,
})

const seen: GrownCollection = { kind: 'Map', from: 2110, to: 2130, id: 7207 }
const confirmed = (collection: GrownCollection, path?: string): GrowingCollection => ({ ...collection, name: collection.kind, storeBytes: 98_360, ...(path && { path }) })
const phase = (collections: GrowingCollection[]): PhaseAnalysis => ({ name: 'block', groups: [], bytes: 0, collections })

describe('growing collections in toLeakMemory', () => {
  test('a Map that gained an entry a cycle leaks, with flat heap statistics', () => {
    const m = measurement([seen])
    const verdict = judgeLeak(m, 0)
    expect(verdict.pass).toBe(false)
    expect(formatLeakVerdict(verdict, m)).toBe(
      [
        'block leaks memory (20 cycles after 21 warm-up)',
        '  growing   Map (+20 entries, 1 per cycle; 2110 -> 2130)',
        '  within    leak of block 0 B/cycle (±0 B/cycle), limit 0 B/cycle',
        '  halves    0 B/cycle then 0 B/cycle',
      ].join('\n'),
    )
  })

  test('with snapshots, the message names what holds the collection', () => {
    const m = measurement([seen])
    const evidence = { block: phase([confirmed(seen, '(closure) -> seen: Map')]) }
    const verdict = judgeLeak(m, 0, evidence)
    expect(formatLeakVerdict(verdict, m, { evidence, secondRun: true }).split('\n').slice(0, 3)).toEqual([
      'block leaks memory (20 cycles after 21 warm-up)',
      '  growing   Map (+20 entries, 1 per cycle; 2110 -> 2130)',
      '            held by (closure) -> seen: Map',
    ])
  })

  test("the snapshots' evidence replaces the census of the first run: a collection they do not confirm is not a leak", () => {
    expect(judgeLeak(measurement([seen]), 0, { block: phase([]) }).pass).toBe(true)
  })

  test('a collection whose entries cost less a cycle than the leak limit allows is within it, and says so', () => {
    // A Map entry takes 28 B of its table at the least: 1 a cycle is 28 B a cycle, under 100.
    const m = measurement([seen])
    const verdict = judgeLeak(m, 100)
    expect(verdict.pass).toBe(true)
    expect(formatLeakVerdict(verdict, m).split('\n')[2]).toBe('  within    growing Map (+20 entries, 1 per cycle; 2110 -> 2130): 28 B an entry or more, limit 100 B/cycle')
    // 4 entries a cycle of an array, 8 B each: 32 B a cycle, over a limit of 16.
    const fast = measurement([{ kind: 'Array', from: 0, to: 80, id: 0 }])
    expect(formatLeakVerdict(judgeLeak(fast, 16), fast).split('\n')[1]).toBe('  growing   Array (+80 entries, 4.0 per cycle; 0 -> 80)')
  })

  test('growth short of an entry a cycle, less one cycle of slack, is no finding', () => {
    expect(judgeLeak(measurement([{ kind: 'Set', from: 10, to: 28, id: 0 }]), 0).findings.map((f) => f.key)).toEqual(['leak'])
    expect(judgeLeak(measurement([{ kind: 'Set', from: 10, to: 29, id: 0 }]), 0).pass).toBe(false)
  })
})
