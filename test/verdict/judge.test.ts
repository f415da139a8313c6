import { describe, expect, test } from 'vitest'
import type { ResolvedBudget } from '../../src/budgets/budget.ts'
import type { GrowthEstimate } from '../../src/engine/growth.ts'
import type { BudgetMeasurement, LeakMeasurement } from '../../src/engine/measure.ts'
import { formatBudgetVerdict, formatLeakVerdict } from '../../src/verdict/format-verdict.ts'
import { isLeaking, judgeBudget, judgeLeak } from '../../src/verdict/judge.ts'

const growth = (perCycle: number, spread = 0, halves: [number, number] = [perCycle, perCycle]): GrowthEstimate => ({
  perCycle,
  low: perCycle - spread,
  high: perCycle + spread,
  firstHalf: halves[0],
  secondHalf: halves[1],
  cycles: 20,
  compilingCycles: 0,
})

const budget: ResolvedBudget = { name: 'telemetry', file: '/project/memory-budgets.json', cycles: 20, warmup: 20, retained: 600_000, leak: 1000 }

function budgetMeasurement(retained: number, uncertainty: number, candidate: GrowthEstimate): BudgetMeasurement {
  return {
    kind: 'budget',
    cycles: 20,
    warmup: 20,
    warmupRun: 20,
    baseline: { readings: [], growth: growth(0) },
    candidate: { readings: [], growth: candidate },
    retained: { bytes: retained, uncertainty, source: 'heap-statistics' },
    warmupReadings: [],
    durationMs: 1,
  }
}

describe('isLeaking', () => {
  test.each([
    ['steady growth above the limit', growth(2100, 100), 1000, true],
    ['growth not confidently above the limit', growth(1100, 200), 1000, false],
    ['a step in the first half only', growth(300, 250, [900, 0]), 0, false],
    ['a step in the second half only', growth(300, 250, [0, 900]), 0, false],
    ['a quiet block', growth(0), 0, false],
    ['80 B a cycle against no allowance', growth(80, 4), 0, true],
    ['steady growth under the noise floor', growth(40, 4), 0, false],
    ['growth that dies away in the second half', growth(200, 50, [400, 40]), 0, false],
    ['a leak every few cycles, uneven between halves', growth(4096, 500, [5000, 2500]), 1000, true],
  ])('%s', (_, estimate, limit, expected) => {
    expect(isLeaking(estimate, limit)).toBe(expected)
  })
})

describe('judgeBudget', () => {
  test('fails on retained only when the whole interval is over the limit', () => {
    expect(judgeBudget(budgetMeasurement(605_000, 9_000, growth(0)), budget).pass).toBe(true)
    expect(judgeBudget(budgetMeasurement(712_000, 9_000, growth(0)), budget).pass).toBe(false)
  })

  test('a budget without a retained limit checks leaks only', () => {
    const verdict = judgeBudget(budgetMeasurement(5_000_000, 0, growth(0)), { ...budget, retained: undefined })
    expect(verdict.pass).toBe(true)
    expect(verdict.findings.map((f) => `${f.key}:${f.subject}`)).toEqual(['leak:baseline', 'leak:candidate'])
  })
})

describe('messages', () => {
  test('an exceeded budget says what, by how much, with what certainty, and where the budget lives', () => {
    const measurement = budgetMeasurement(712_000, 9_000, growth(2100, 100))
    expect(formatBudgetVerdict(judgeBudget(measurement, budget), measurement, budget)).toBe(
      [
        'memory budget "telemetry" exceeded (20 cycles without, 20 with)',
        '  retained  712 kB > 600 kB  (+112 kB, ±9 kB)',
        '  leak      candidate grows 2.1 kB/cycle > 1 kB/cycle  (±100 B/cycle)',
        '  within    leak of baseline 0 B/cycle (±0 B/cycle), limit 1 kB/cycle',
        'budget file: /project/memory-budgets.json',
      ].join('\n'),
    )
  })

  test('a leaking block says its rate, the allowance and each half', () => {
    const measurement: LeakMeasurement = {
      kind: 'leak', cycles: 20, warmup: 20, warmupRun: 20, warmupReadings: [], durationMs: 1,
      variant: { readings: [], growth: growth(1224, 10, [1230, 1218]) },
    }
    expect(formatLeakVerdict(judgeLeak(measurement, 0), measurement)).toBe(
      [
        'block leaks memory (20 cycles after 20 warm-up)',
        '  leak      block grows 1.22 kB/cycle > 0 B/cycle  (±10 B/cycle)',
        '  halves    1.23 kB/cycle then 1.22 kB/cycle',
      ].join('\n'),
    )
  })
})
