import { describe, expect, test } from 'vitest'
import {
  DEFAULT_HEADROOM, formatBudgetSize, leaksNotRecorded, recommend, recordBudget, resolveHeadroom, roundUpReadable, type Measured,
} from '../../src/budgets/record-budget.ts'
import { formatSize, parseSize } from '../../src/budgets/sizes.ts'
import type { Finding } from '../../src/verdict/judge.ts'
import { budgetCheck, group, leakCheck } from '../helpers/check-records.ts'

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
    expect(recommend(measured, kind, DEFAULT_HEADROOM)).toBe(limit)
  })

  test('a tiny relative headroom still rounds up to two digits', () => {
    expect(recommend({ value: 100_000, uncertainty: 0 }, 'size', resolveHeadroom({ relative: 0.01 }))).toBe(110_000)
  })

  test('the headroom is configurable', () => {
    const rule = resolveHeadroom({ relative: 0.5, minimum: '10 kB' })
    expect(recommend({ value: 41_200, uncertainty: 39 }, 'size', rule)).toBe(62_000)
    expect(recommend({ value: 200, uncertainty: 0 }, 'size', rule)).toBe(11_000)
  })

  test('bad headroom options are refused with the option and the value', () => {
    expect(() => resolveHeadroom({ relative: -1 })).toThrow('memoryBudget({ record: { headroom: { relative } } }): expected a number of 0 or more, got -1')
    expect(() => resolveHeadroom({ minimum: '4 parsecs' })).toThrow(
      'memoryBudget({ record: { headroom: { minimum } } }): expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "4 parsecs"',
    )
  })
})

const UNCHANGED = { name: 'telemetry', status: 'unchanged', changes: [] }

/** Objects of one constructor kept every cycle, as the judge finds them. */
function kept(subject: 'baseline' | 'candidate' | 'block', name: string, count: number, bytes: number): Finding {
  return { key: 'objectLeak', subject, measured: count, limit: 0, uncertainty: 0, over: true, group: group(name, count, bytes) }
}

describe('recordBudget: what is missing or failed is recorded, what passed stays as written', () => {
  test('a new budget gets retained from the measurement', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck({ retained: 41_200 })], entry: undefined })
    expect(update).toEqual({ name: 'telemetry', status: 'added', changes: [{ path: ['retained'], after: '52 kB' }] })
  })

  test('an empty entry gets retained, and so does one that sets only cycles and warmup', () => {
    expect(recordBudget({ name: 'telemetry', records: [budgetCheck()], entry: {} })).toEqual({ name: 'telemetry', status: 'changed', changes: [{ path: ['retained'], after: '52 kB' }] })
    expect(recordBudget({ name: 'telemetry', records: [budgetCheck()], entry: { cycles: 40, warmup: 30 } }).changes).toEqual([{ path: ['retained'], after: '52 kB' }])
  })

  test.each([['600 kB', 600_000], ['52 kB', 52_000], ['45 kB', 45_000], [600_000, 600_000]])('a retained limit that held, %s, is kept: -u neither tightens nor loosens it', (limit, bytes) => {
    const record = budgetCheck({ retainedLimit: bytes })
    expect(record.pass).toBe(true)
    expect(recordBudget({ name: 'telemetry', records: [record], entry: { retained: limit } })).toEqual(UNCHANGED)
  })

  test('a broken limit is raised, and the check no longer fails', () => {
    const update = recordBudget({ name: 'cache', records: [budgetCheck({ retained: 204_800, uncertainty: 0, source: 'heap snapshots', retainedLimit: 100_000 })], entry: { retained: '100 kB' } })
    expect(update.changes).toEqual([{ path: ['retained'], before: '100 kB', after: '260 kB' }])
  })

  test("a broken limit from the file's defaults is written to the entry", () => {
    const record = budgetCheck({ retained: 204_800, uncertainty: 0, source: 'heap snapshots', retainedLimit: 100_000 })
    const update = recordBudget({ name: 'cache', records: [record], entry: { cycles: 10 }, defaults: { retained: '100 kB' } })
    expect(update.changes).toEqual([{ path: ['retained'], after: '260 kB' }])
  })

  test('cycles and warmup are never touched', () => {
    const record = budgetCheck({ retained: 204_800, uncertainty: 0, retainedLimit: 100_000 })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { cycles: 40, warmup: 30, retained: '100 kB' } })
    expect(update.changes.map((change) => change.path)).toEqual([['retained']])
  })

  test('a check that overrode a limit in code does not record it', () => {
    const record = budgetCheck({ retained: 204_800, uncertainty: 0, retainedLimit: 100_000 })
    expect(recordBudget({ name: 'telemetry', records: [record], entry: { retained: '600 kB' } })).toEqual(UNCHANGED)
  })

  test('a missing budget whose checks all override it in code is still created, with the defaults', () => {
    const update = recordBudget({ name: 'telemetry', records: [budgetCheck({ retainedLimit: 50_000 })], entry: undefined })
    expect(update).toEqual({ name: 'telemetry', status: 'added', changes: [] })
  })

  test('several checks of one budget: the limit fits the largest', () => {
    const records = [budgetCheck({ retained: 41_200 }), budgetCheck({ retained: 80_000 })]
    expect(recordBudget({ name: 'telemetry', records, entry: undefined }).changes).toEqual([{ path: ['retained'], after: '100 kB' }])
  })

  test('object limits: a broken named constructor is re-recorded, a broken "*" adds the constructor by name, those that held stay', () => {
    const objects = (name: string, measured: number, limit: number): Finding => ({ key: 'objects', subject: 'candidate', measured, limit, uncertainty: 0, over: measured > limit, group: group(name, measured, measured * 40) })
    const record = budgetCheck({
      retainedLimit: 52_000,
      extraFindings: [objects('TelemetryEvent', 20, 0), objects('Foo', 70, 50), objects('Bar', 10, 50), objects('Span', 3, 40)],
    })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB', objects: { TelemetryEvent: 0, Span: 40, '*': 50 } } })
    expect(update.changes).toEqual([
      { path: ['objects', 'TelemetryEvent'], before: 0, after: 25 },
      { path: ['objects', 'Foo'], after: 88 },
    ])
  })

  test('allocation limits are re-recorded from their findings when broken, and kept when they held', () => {
    const record = budgetCheck({
      retainedLimit: 52_000,
      extraFindings: [
        { key: 'allocated', subject: 'candidate', measured: 250_000, limit: 200_000, uncertainty: 4000, over: true },
        { key: 'peak', subject: 'candidate', measured: 10_000, limit: 1_000_000, uncertainty: 0, over: false },
        { key: 'direct', subject: 'candidate', measured: 1000, limit: 500_000, uncertainty: 100, over: false },
      ],
    })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB', allocated: '200 kB', direct: '500 kB' }, defaults: { peak: '1 MB' } })
    expect(update.changes).toEqual([{ path: ['allocated'], before: '200 kB', after: '320 kB' }])
  })

  describe('a limit written as a share of the baseline', () => {
    /** A check whose candidate allocated `measured` more a cycle than a baseline of `baseline`, judged by `relative`. */
    const allocatedCheck = (measured: number, relative: { share: number; most?: number }, baseline = 1_000_000) => {
      const limit = Math.min(relative.most ?? Infinity, (relative.share / 100) * baseline)
      return budgetCheck({
        retainedLimit: 52_000,
        extraFindings: [{ key: 'allocated', subject: 'candidate', measured, limit, uncertainty: 4000, over: measured - 4000 > limit, relative: { ...relative, baseline } }],
      })
    }

    test('that held is kept as written, neither dropped nor turned into bytes', () => {
      const update = recordBudget({ name: 'telemetry', records: [allocatedCheck(50_000, { share: 10 })], entry: { retained: '52 kB', allocated: '10%' } })
      expect(update).toEqual(UNCHANGED)
    })

    test('that broke is re-recorded as a share: measured + headroom, over the baseline, 2 digits rounded up', () => {
      // 50 kB + 25% = 62.5 kB -> 63 kB of a 1 MB baseline: 6.3%.
      const update = recordBudget({ name: 'telemetry', records: [allocatedCheck(50_000, { share: 2 })], entry: { retained: '52 kB', allocated: '2%' } })
      expect(update.changes).toEqual([{ path: ['allocated'], before: '2%', after: '6.3%' }])
    })

    test('with a most: the part that broke is re-recorded, the part that held kept as written', () => {
      const entry = (allocated: unknown) => ({ retained: '52 kB', allocated })
      const shareBroke = recordBudget({ name: 'telemetry', records: [allocatedCheck(50_000, { share: 2, most: 600_000 })], entry: entry({ most: '600 kB', share: '2%' }) })
      expect(shareBroke.changes).toEqual([{ path: ['allocated'], before: { most: '600 kB', share: '2%' }, after: { most: '600 kB', share: '6.3%' } }])
      const mostBroke = recordBudget({ name: 'telemetry', records: [allocatedCheck(50_000, { share: 10, most: 20_000 })], entry: entry({ most: '20 kB', share: '10%' }) })
      expect(mostBroke.changes).toEqual([{ path: ['allocated'], before: { most: '20 kB', share: '10%' }, after: { most: '63 kB', share: '10%' } }])
    })

    test('from defaults, is written whole into the entry, so that the entry keeps both parts', () => {
      const update = recordBudget({
        name: 'telemetry', records: [allocatedCheck(50_000, { share: 2, most: 600_000 })], entry: { retained: '52 kB' }, defaults: { allocated: { most: '600 kB', share: '2%' } },
      })
      expect(update.changes).toEqual([{ path: ['allocated'], after: { most: '600 kB', share: '6.3%' } }])
    })

    test('takes the share every check of the budget needs, each against its own baseline', () => {
      const records = [allocatedCheck(50_000, { share: 2 }), allocatedCheck(50_000, { share: 2 }, 500_000)]
      expect(recordBudget({ name: 'telemetry', records, entry: { retained: '52 kB', allocated: '2%' } }).changes).toEqual([{ path: ['allocated'], before: '2%', after: '13%' }])
    })

    test('overridden in code is not recorded: the file says another limit', () => {
      expect(recordBudget({ name: 'telemetry', records: [allocatedCheck(50_000, { share: 2 })], entry: { retained: '52 kB', allocated: '5%' } })).toEqual(UNCHANGED)
      expect(recordBudget({ name: 'telemetry', records: [allocatedCheck(50_000, { share: 2 })], entry: { retained: '52 kB', allocated: '20 kB' } })).toEqual(UNCHANGED)
    })

    test('of a baseline that measured nothing is kept as written: no share of 0 B allows anything', () => {
      expect(recordBudget({ name: 'telemetry', records: [allocatedCheck(50_000, { share: 2 }, 0)], entry: { retained: '52 kB', allocated: '2%' } })).toEqual(UNCHANGED)
    })

    test('a size that broke where the file writes a size stays a size', () => {
      const record = budgetCheck({ retainedLimit: 52_000, extraFindings: [{ key: 'allocated', subject: 'candidate', measured: 50_000, limit: 20_000, uncertainty: 4000, over: true }] })
      expect(recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB', allocated: '20 kB' } }).changes).toEqual([{ path: ['allocated'], before: '20 kB', after: '63 kB' }])
    })
  })

  test('an entry that budgets something else only is not given retained', () => {
    expect(recordBudget({ name: 'telemetry', records: [budgetCheck()], entry: { allocated: '1 MB' } })).toEqual(UNCHANGED)
  })

  test('recording the recorded value again changes nothing', () => {
    const record = budgetCheck({ retained: 123_456, uncertainty: 2000 })
    const first = recordBudget({ name: 'x', records: [record], entry: undefined }).changes[0]!.after
    expect(first).toBe(formatSize(160_000))
    const again = budgetCheck({ retained: 123_456, uncertainty: 2000, retainedLimit: 160_000 })
    expect(recordBudget({ name: 'x', records: [again], entry: { retained: first } }).status).toBe('unchanged')
  })
})

describe('recordBudget: leak is never written', () => {
  test('a leak limit that held stays as written, however far from what was measured', () => {
    for (const leak of ['0 B', '1 kB', 0]) {
      const record = budgetCheck({ retainedLimit: 52_000, candidate: 30, leakLimit: parseSize(leak) })
      expect(recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB', leak } })).toEqual(UNCHANGED)
    }
  })

  test('growth the judge excused (not over) is no leak: a new entry gets retained only', () => {
    const noise: Finding = { key: 'leak', subject: 'baseline', measured: 695, limit: 0, uncertainty: 764, over: false, excused: 'unsteady' }
    const record = { ...budgetCheck(), findings: [noise, ...budgetCheck().findings.filter((f) => f.subject !== 'baseline')] }
    expect(recordBudget({ name: 'telemetry', records: [record], entry: undefined })).toEqual({ name: 'telemetry', status: 'added', changes: [{ path: ['retained'], after: '52 kB' }] })
  })

  test('a leak over the built-in 0 records nothing, and says what leaked', () => {
    const record = budgetCheck({ retainedLimit: 52_000, candidate: 2060, leakOver: ['candidate'] })
    expect(recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB' } })).toEqual({
      ...UNCHANGED,
      leaks: [{ subject: 'candidate', confirmedBy: { kind: 'growth', perCycle: 2060, firstHalf: 2060, secondHalf: 2060 }, allowance: 2600 }],
    })
  })

  test('a hand-set leak limit that broke stays as written, and so does every other key of a leaking check', () => {
    // The item of issue 13: -u turned retained 600 kB into 52 kB and leak 0 B into 120 B/cycle.
    const record = budgetCheck({ retained: 900_000, uncertainty: 0, retainedLimit: 600_000, candidate: 90, leakOver: ['candidate'] })
    expect(record.findings.find((f) => f.key === 'retained')!.over).toBe(true)
    const update = recordBudget({ name: 'telemetry', records: [record], entry: { retained: '600 kB', leak: '0 B' } })
    expect(update.status).toBe('unchanged')
    expect(update.changes).toEqual([])
    expect(update.leaks).toHaveLength(1)
  })

  test('objects kept every cycle are a leak: confirmed by objects, allowed at their bytes per cycle + headroom', () => {
    const record = budgetCheck({ retainedLimit: 52_000, extraFindings: [kept('candidate', 'TelemetryEvent', 20, 20 * 40)] })
    // 40 B per cycle + the 64 B/cycle floor of headroom = 104 B, rounded up.
    expect(recordBudget({ name: 'telemetry', records: [record], entry: { retained: '52 kB' } }).leaks).toEqual([
      { subject: 'candidate', confirmedBy: { kind: 'objects', groups: [{ name: 'TelemetryEvent', count: 20 }], cycles: 20 }, allowance: 110 },
    ])
  })

  test('a missing budget whose every check leaks is not added', () => {
    const record = budgetCheck({ candidate: 2060, leakOver: ['candidate'] })
    const update = recordBudget({ name: 'telemetry', records: [record], entry: undefined })
    expect(update.status).toBe('unchanged')
    expect(update.changes).toEqual([])
  })

  test('of two checks of one budget, the one that leaks records nothing: the other one records the budget', () => {
    const leaking = budgetCheck({ retained: 500_000, candidate: 2060, leakOver: ['candidate'] })
    const clean = budgetCheck({ retained: 41_200 })
    const update = recordBudget({ name: 'telemetry', records: [leaking, clean], entry: undefined })
    expect(update.status).toBe('added')
    expect(update.changes).toEqual([{ path: ['retained'], after: '52 kB' }])
    expect(update.leaks!.map((leak) => leak.subject)).toEqual(['candidate'])
  })
})

describe('leaksNotRecorded', () => {
  test('a check within its limits has none', () => {
    expect(leaksNotRecorded(budgetCheck({ retainedLimit: 52_000, candidate: 30 }))).toEqual([])
    expect(leaksNotRecorded(leakCheck(30))).toEqual([])
  })

  test('a broken retained, objects or allocation limit is no leak', () => {
    const record = budgetCheck({
      retained: 204_800, uncertainty: 0, retainedLimit: 100_000,
      extraFindings: [{ key: 'objects', subject: 'candidate', measured: 20, limit: 0, uncertainty: 0, over: true, group: group('Entry', 20, 800) }],
    })
    expect(record.pass).toBe(false)
    expect(leaksNotRecorded(record)).toEqual([])
  })

  test('steady growth reads its halves from the variant, one leak per variant', () => {
    const record = budgetCheck({ baseline: 300, candidate: 2060, leakHalfWidth: 40, leakOver: ['baseline', 'candidate'] })
    record.baseline!.growth = { ...record.baseline!.growth, firstHalf: 280, secondHalf: 330 }
    // 300 B/cycle + 3 x its ±40 B/cycle; 2060 B/cycle + 25%.
    expect(leaksNotRecorded(record)).toEqual([
      { subject: 'baseline', confirmedBy: { kind: 'growth', perCycle: 300, firstHalf: 280, secondHalf: 330 }, allowance: 420 },
      { subject: 'candidate', confirmedBy: { kind: 'growth', perCycle: 2060, firstHalf: 2060, secondHalf: 2060 }, allowance: 2600 },
    ])
  })

  test("objects confirm a variant's leak before its growth does; the allowance covers both", () => {
    const record = budgetCheck({
      candidate: 2060, leakOver: ['candidate'],
      extraFindings: [kept('candidate', 'Span', 21, 21 * 100), kept('candidate', 'Event', 20, 20 * 40)],
    })
    expect(leaksNotRecorded(record)).toEqual([
      { subject: 'candidate', confirmedBy: { kind: 'objects', groups: [{ name: 'Span', count: 21 }, { name: 'Event', count: 20 }], cycles: 20 }, allowance: 2600 },
    ])
  })

  test("the candidate's objects count over its warm-up too", () => {
    const record = { ...budgetCheck({ extraFindings: [kept('candidate', 'Event', 40, 40 * 500)] }), candidateWarmupRun: 20 }
    // 20 kB over 20 + 20 cycles: 500 B/cycle + 25%.
    expect(leaksNotRecorded(record)[0]!.allowance).toBe(630)
  })

  test('toLeakMemory blocks too, with the configured headroom', () => {
    const record = leakCheck(1000, { over: true })
    expect(leaksNotRecorded(record, resolveHeadroom({ relative: 0.5 }))).toEqual([
      { subject: 'block', confirmedBy: { kind: 'growth', perCycle: 1000, firstHalf: 1000, secondHalf: 1000 }, allowance: 1500 },
    ])
  })
})
