import { describe, expect, test } from 'vitest'
import {
  DEFAULT_HEADROOM, formatBudgetSize, recommend, recordBudget, resolveHeadroom, roundUpReadable, type Measured,
} from '../../src/budgets/record-budget.ts'
import { formatSize } from '../../src/budgets/sizes.ts'
import { budgetCheck, group } from '../helpers/check-records.ts'

describe('roundUpReadable: up to 2 significant digits', () => {
  test.each([
    [0, 0], [-5, 0], [Number.NaN, 0], [0.2, 1], [1, 1], [64, 64], [99, 99], [100, 100], [101, 110], [153, 160],
    [999, 1000], [1001, 1100], [4000, 4000], [4001, 4100], [51_500, 52_000], [1_234_567, 1_300_000], [9_999_999, 10_000_000],
  ])('%d -> %d', (bytes, rounded) => {
    expect(roundUpReadable(bytes)).toBe(rounded)
  })

  test.each([
    [51_512, '52 kB'], [153, '160 B'], [999, '1 kB'], [4200, '4.2 kB'], [1_234_567, '1.3 MB'], [0, '0 B'],
  ])('formatBudgetSize(%d) is %s', (bytes, text) => {
    expect(formatBudgetSize(bytes)).toBe(text)
  })
})

describe('recommend: measured + max(25%, 3 x uncertainty, minimum), rounded up', () => {
  test.each<[string, Measured, 'size' | 'rate' | 'count', number]>([
    ['25% of a large figure', { value: 41_200, uncertainty: 39 }, 'size', 52_000],
    ['3 x a wide uncertainty', { value: 2000, uncertainty: 3000 }, 'size', 11_000],
    ['the 4 kB floor under a small figure', { value: 200, uncertainty: 10 }, 'size', 4200],
    ['a negative figure counts as 0', { value: -1500, uncertainty: 100 }, 'size', 4000],
    ['25% of a leak', { value: 2060, uncertainty: 11 }, 'rate', 2600],
    ['3 x the uncertainty of a flat variant', { value: 3, uncertainty: 50 }, 'rate', 160],
    ['the 64 B/cycle floor', { value: 0, uncertainty: 5 }, 'rate', 64],
    ['a count + 25%, rounded up', { value: 20, uncertainty: 0 }, 'count', 25],
    ['one object gets one more', { value: 1, uncertainty: 0 }, 'count', 2],
    ['no objects stay at 0', { value: 0, uncertainty: 0 }, 'count', 0],
  ])('%s', (_, measured, kind, limit) => {
    expect(recommend(measured, kind, DEFAULT_HEADROOM).limit).toBe(limit)
  })

  test('a fresh limit is inside its own band, so a second -u on the same figures keeps it', () => {
    for (const kind of ['size', 'rate', 'count'] as const) {
      for (let value = 0; value < 5e7; value = value * 1.37 + 7) {
        for (const uncertainty of [0, value / 10, value]) {
          const { limit, low, high } = recommend({ value, uncertainty }, kind, DEFAULT_HEADROOM)
          expect(limit).toBeGreaterThanOrEqual(low)
          expect(limit).toBeLessThanOrEqual(high)
        }
      }
    }
  })

  test('a tiny relative headroom still keeps a fresh limit in its band', () => {
    const rule = resolveHeadroom({ relative: 0.01 })
    const { limit, high } = recommend({ value: 100_000, uncertainty: 0 }, 'size', rule)
    expect(limit).toBe(110_000)
    expect(high).toBeGreaterThanOrEqual(limit)
  })

  test('the headroom is configurable', () => {
    const rule = resolveHeadroom({ relative: 0.5, minimum: '10 kB' })
    expect(recommend({ value: 41_200, uncertainty: 39 }, 'size', rule).limit).toBe(62_000)
    expect(recommend({ value: 200, uncertainty: 0 }, 'size', rule).limit).toBe(11_000)
  })

  test('bad headroom options are refused with the option and the value', () => {
    expect(() => resolveHeadroom({ relative: -1 })).toThrow('memoryBudget({ record: { headroom: { relative } } }): expected a number of 0 or more, got -1')
    expect(() => resolveHeadroom({ minimum: '4 parsecs' })).toThrow(
      'memoryBudget({ record: { headroom: { minimum } } }): expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "4 parsecs"',
    )
  })
})

describe('recordBudget', () => {
  test('a new budget gets retained from the measurement', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck({ retained: 41_200 })], entry: undefined })
    expect(update).toEqual({ name: 'telemetry', status: 'added', changes: [{ path: ['retained'], after: '52 kB' }] })
  })

  test('an empty entry gets retained', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck()], entry: {} })
    expect(update).toEqual({ name: 'telemetry', status: 'changed', changes: [{ path: ['retained'], after: '52 kB' }] })
  })

  test('a limit far above the measurement is tightened', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck({ retainedLimit: 600_000 })], entry: { retained: '600 kB' } })
    expect(update.changes).toEqual([{ path: ['retained'], before: '600 kB', after: '52 kB' }])
  })

  test.each([['52 kB'], ['48 kB'], ['60 kB'], [52_000]])('a limit with enough headroom, %s, is kept', (limit) => {
    const record = budgetCheck({ retainedLimit: typeof limit === 'number' ? limit : Number.parseFloat(limit) * 1000 })
    expect(recordBudget({ name: 'telemetry', records: [record], entry: { retained: limit } })).toEqual({ name: 'telemetry', status: 'unchanged', changes: [] })
  })

  test('a limit too close to the measurement is raised', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck({ retainedLimit: 45_000 })], entry: { retained: '45 kB' } })
    expect(update.changes).toEqual([{ path: ['retained'], before: '45 kB', after: '52 kB' }])
  })

  test('a broken limit is raised, and the check no longer fails', () => {
    const update = recordBudget({ name: 'cache', records: [budgetCheck({ retained: 204_800, uncertainty: 0, source: 'heap snapshots', retainedLimit: 100_000 })], entry: { retained: '100 kB' } })
    expect(update.changes).toEqual([{ path: ['retained'], before: '100 kB', after: '260 kB' }])
  })

  test('cycles and warmup are never touched', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck({ retainedLimit: 600_000 })], entry: { cycles: 40, warmup: 30, retained: '600 kB' } })
    expect(update.changes.map((change) => change.path)).toEqual([['retained']])
  })

  test('leak is left alone when the entry does not set it and nothing leaked', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck({ retainedLimit: 52_000, candidate: 30 })], entry: { retained: '52 kB' } })
    expect(update.status).toBe('unchanged')
  })

  test('a leak over the built-in limit of 0 adds leak, so that the next run passes', () => {
    const record = budgetCheck({ retainedLimit: 52_000, candidate: 2060, leakOver: ['candidate'] })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB' } })
    expect(update).toEqual({ name: 'telemetry', status: 'changed', changes: [{ path: ['leak'], after: '2.6 kB' }] })
  })

  test("a leak limit the entry sets is re-recorded from the faster variant", () => {
    const record = budgetCheck({ retainedLimit: 52_000, candidate: 2060, leakLimit: 1000, leakOver: ['candidate'] })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB', leak: '1 kB' } })
    expect(update.changes).toEqual([{ path: ['leak'], before: '1 kB', after: '2.6 kB' }])
  })

  test("a leak over the file's defaults adds leak to the entry", () => {
    const record = budgetCheck({ retainedLimit: 52_000, candidate: 2060, leakLimit: 1000, leakOver: ['candidate'] })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB' }, defaults: { leak: '1 kB' } })
    expect(update.changes).toEqual([{ path: ['leak'], after: '2.6 kB' }])
  })

  test('objects kept every cycle raise leak to their bytes per cycle', () => {
    const kept = group('TelemetryEvent', 20, 20 * 40)
    const record = budgetCheck({
      retainedLimit: 52_000,
      extraFindings: [{ key: 'objectLeak', subject: 'candidate', measured: 20, limit: 0, uncertainty: 0, over: true, group: kept }],
    })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB' } })
    // 40 B per cycle + the 64 B/cycle floor of headroom = 104 B, rounded up.
    expect(update.changes).toEqual([{ path: ['leak'], after: '110 B' }])
  })

  test('a check that overrode a limit in code does not record it', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck({ retainedLimit: 50_000 })], entry: { retained: '600 kB' } })
    expect(update).toEqual({ name: 'telemetry', status: 'unchanged', changes: [] })
  })

  test('a missing budget whose checks all override it in code is still created, with the defaults', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck({ retainedLimit: 50_000 })], entry: undefined })
    expect(update).toEqual({ name: 'telemetry', status: 'added', changes: [] })
  })

  test('several checks of one budget: the limit fits the largest', () => {
    const records = [budgetCheck({ retained: 41_200 }), budgetCheck({ retained: 80_000 })]
    expect(recordBudget({ name: 'telemetry', records, entry: undefined }).changes).toEqual([{ path: ['retained'], after: '100 kB' }])
  })

  test('object limits: named constructors re-recorded, a broken "*" adds the constructor by name', () => {
    const objects = (name: string, measured: number, limit: number) => ({ key: 'objects' as const, subject: 'candidate' as const, measured, limit, uncertainty: 0, over: measured > limit, group: group(name, measured, measured * 40) })
    const record = budgetCheck({
      retainedLimit: 52_000,
      extraFindings: [objects('TelemetryEvent', 20, 0), objects('Foo', 70, 50), objects('Bar', 10, 50)],
    })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB', objects: { TelemetryEvent: 0, '*': 50 } } })
    expect(update.changes).toEqual([
      { path: ['objects', 'TelemetryEvent'], before: 0, after: 25 },
      { path: ['objects', 'Foo'], after: 88 },
    ])
  })

  test('allocation limits are recorded from their findings, like retained', () => {
    const record = budgetCheck({
      retainedLimit: 52_000,
      extraFindings: [
        { key: 'allocated', subject: 'candidate', measured: 250_000, limit: 200_000, uncertainty: 4000, over: true },
        { key: 'peak', subject: 'candidate', measured: 10_000, limit: 1_000_000, uncertainty: 0, over: false },
      ],
    })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB', allocated: '200 kB' }, defaults: { peak: '1 MB' } })
    // peak is kept out: the entry does not set it (the defaults do) and it held.
    expect(update.changes).toEqual([{ path: ['allocated'], before: '200 kB', after: '320 kB' }])
  })

  test('an entry that budgets something else only is not given retained', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck()], entry: { allocated: '1 MB' } })
    expect(update).toEqual({ name: 'telemetry', status: 'unchanged', changes: [] })
  })

  test('recording the recorded value again changes nothing', () => {
    const record = budgetCheck({ retained: 123_456, uncertainty: 2000 })
    const first = recordBudget({ name: 'x', records: [record], entry: undefined }).changes[0]!.after
    expect(first).toBe(formatSize(160_000))
    const again = budgetCheck({ retained: 123_456, uncertainty: 2000, retainedLimit: 160_000 })
    expect(recordBudget({ name: 'x', records: [again], entry: { retained: first } }).status).toBe('unchanged')
  })
})
