import { describe, expect, test } from 'vitest'
import type { BudgetFile } from '../../src/budgets/budget.ts'
import { BudgetError } from '../../src/budgets/budget-errors.ts'
import { DEFAULT_CYCLES, DEFAULT_LEAK, DEFAULT_WARMUP } from '../../src/budgets/defaults.ts'
import { resolveBudget, resolveLeakOptions } from '../../src/budgets/resolve-budget.ts'

function budgetError(run: () => unknown): BudgetError {
  try {
    run()
  } catch (error) {
    if (error instanceof BudgetError) return error
    throw error
  }
  throw new Error('expected a BudgetError, none was thrown')
}

const file: BudgetFile = {
  path: '/project/memory-budgets.json',
  defaults: { cycles: 30, leak: 10 },
  budgets: {
    telemetry: { retained: 600_000, leak: 1000 },
    parser: { warmup: 5 },
  },
}

describe('resolveBudget', () => {
  test('takes each key from overrides, then the entry, then the file defaults, then the built-in defaults', () => {
    expect(resolveBudget(file, 'telemetry')).toEqual({
      name: 'telemetry',
      file: '/project/memory-budgets.json',
      cycles: 30, // file defaults
      warmup: DEFAULT_WARMUP, // built in
      retained: 600_000, // entry
      leak: 1000, // entry over file defaults
    })
    expect(resolveBudget(file, 'telemetry', { cycles: 50, retained: '1 MB' })).toEqual({
      name: 'telemetry',
      file: '/project/memory-budgets.json',
      cycles: 50,
      warmup: DEFAULT_WARMUP,
      retained: 1_000_000,
      leak: 1000,
    })
  })

  test('uses the built-in defaults where nothing else sets a key, and sets no retained limit', () => {
    const bare: BudgetFile = { path: '/p/b.json', defaults: {}, budgets: { a: {} } }
    const resolved = resolveBudget(bare, 'a')
    expect(resolved).toEqual({ name: 'a', file: '/p/b.json', cycles: DEFAULT_CYCLES, warmup: DEFAULT_WARMUP, leak: DEFAULT_LEAK })
    expect('retained' in resolved).toBe(false)
  })

  test("browser mode's domNodes and listeners: counts per cycle, resolved as the other keys, absent unless set", () => {
    const browserFile: BudgetFile = { ...file, defaults: { listeners: 0.5 }, budgets: { tooltips: { domNodes: 2 } } }
    expect(resolveBudget(browserFile, 'tooltips')).toMatchObject({ domNodes: 2, listeners: 0.5 })
    expect(resolveBudget(browserFile, 'tooltips', { domNodes: 0 })).toMatchObject({ domNodes: 0 })
    expect(resolveBudget(file, 'telemetry')).not.toHaveProperty('domNodes')
    expect(budgetError(() => resolveBudget(browserFile, 'tooltips', { domNodes: -1 })).message).toMatch(/overrides\.domNodes/)
  })

  test("toLeakMemory's options take browser mode's domNodes and listeners too", () => {
    expect(resolveLeakOptions({ domNodes: 2, listeners: 0 })).toEqual({ cycles: DEFAULT_CYCLES, warmup: DEFAULT_WARMUP, leak: DEFAULT_LEAK, domNodes: 2, listeners: 0 })
    expect(resolveLeakOptions()).not.toHaveProperty('domNodes')
  })

  test('reads an override of undefined as not set', () => {
    expect(resolveBudget(file, 'parser', { warmup: undefined, leak: undefined }).warmup).toBe(5)
    expect(resolveBudget(file, 'parser', { warmup: undefined, leak: undefined }).leak).toBe(10)
  })

  test('invalidOverrides names the overrides and each offending key', () => {
    const error = budgetError(() => resolveBudget(file, 'telemetry', { retaind: '1 kB', cycles: 4, leak: '12 parsecs' }))
    expect(error.code).toBe('invalidOverrides')
    expect(error.jsonPath).toBe('overrides.retaind')
    expect(error.file).toBeUndefined()
    expect(error.message).toBe(`Invalid overrides for memory budget "telemetry":
  overrides.retaind: unknown key; did you mean "retained"?
  overrides.cycles: expected an integer from 5 to 1000, got 4
  overrides.leak: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "12 parsecs"`)
  })

  test.each<[unknown, string]>([
    [null, 'overrides: expected an object such as {"retained":"600 kB","leak":"1 kB"}, got null'],
    ['600 kB', 'overrides: expected an object such as {"retained":"600 kB","leak":"1 kB"}, got "600 kB"'],
    [{ leak: Number.NaN }, 'overrides.leak: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got NaN'],
    [{ cycles: 20.5 }, 'overrides.cycles: expected an integer from 5 to 1000, got 20.5'],
    [{ limit: 1 }, 'overrides.limit: unknown key; known keys are cycles, warmup, retained, leak, domNodes, listeners, objects, allocated, peak, direct, sites'],
  ])('invalidOverrides for %j', (overrides, line) => {
    expect(budgetError(() => resolveBudget(file, 'telemetry', overrides)).message).toBe(
      `Invalid overrides for memory budget "telemetry":\n  ${line}`,
    )
  })

  test('unknownBudget lists the budgets and suggests the nearest', () => {
    const error = budgetError(() => resolveBudget(file, 'telemtry'))
    expect(error.code).toBe('unknownBudget')
    expect(error.file).toBe('/project/memory-budgets.json')
    expect(error.message).toBe(`Unknown memory budget "telemtry"; did you mean "telemetry"?
Budgets in /project/memory-budgets.json: telemetry, parser`)
  })

  test('unknownBudget without a near name, for a name Object.prototype has', () => {
    expect(budgetError(() => resolveBudget(file, 'constructor')).message).toBe(`Unknown memory budget "constructor"
Budgets in /project/memory-budgets.json: telemetry, parser`)
  })

  test('unknownBudget when the file has no budgets says how to add one', () => {
    const empty: BudgetFile = { path: '/p/b.json', defaults: {}, budgets: {} }
    expect(budgetError(() => resolveBudget(empty, 'telemetry')).message).toBe(`Unknown memory budget "telemetry": /p/b.json has no budgets.
Add one under "budgets", for example:
  "telemetry": { "retained": "600 kB", "leak": "1 kB" }`)
  })

  test('unknownBudget lists at most 20 names', () => {
    const names = Array.from({ length: 25 }, (_, i) => `budget${i + 1}`)
    const many: BudgetFile = { path: '/p/b.json', defaults: {}, budgets: Object.fromEntries(names.map((n) => [n, {}])) }
    expect(budgetError(() => resolveBudget(many, 'other')).message).toBe(
      `Unknown memory budget "other"\nBudgets in /p/b.json: ${names.slice(0, 20).join(', ')} and 5 more`,
    )
  })

  test('checks the name before the overrides', () => {
    expect(budgetError(() => resolveBudget(file, 'nope', { bad: 1 })).code).toBe('unknownBudget')
  })
})

describe('object limits', () => {
  const withObjects: BudgetFile = {
    path: '/project/memory-budgets.json',
    defaults: { objects: { '*': 50 } },
    budgets: { telemetry: { objects: { TelemetryEvent: 0 } }, plain: {} },
  }

  test('merge per constructor: overrides, then the entry, then the defaults', () => {
    expect(resolveBudget(withObjects, 'telemetry').objects).toEqual({ '*': 50, TelemetryEvent: 0 })
    expect(resolveBudget(withObjects, 'telemetry', { objects: { '*': 10, Span: 2 } }).objects).toEqual({ '*': 10, TelemetryEvent: 0, Span: 2 })
    expect(resolveBudget(withObjects, 'plain').objects).toEqual({ '*': 50 })
    expect(resolveBudget(file, 'telemetry').objects).toBeUndefined()
  })

  test('a count that is not a whole number of objects is refused with its path', () => {
    expect(budgetError(() => resolveBudget(file, 'telemetry', { objects: { TelemetryEvent: -1, Span: 'many' } })).message).toBe(
      [
        'Invalid overrides for memory budget "telemetry":',
        '  overrides.objects.TelemetryEvent: expected a non-negative integer, got -1',
        '  overrides.objects.Span: expected a non-negative integer, got "many"',
      ].join('\n'),
    )
  })
})

describe('resolveLeakOptions', () => {
  test('fills in the built-in defaults', () => {
    expect(resolveLeakOptions()).toEqual({ cycles: DEFAULT_CYCLES, warmup: DEFAULT_WARMUP, leak: DEFAULT_LEAK })
    expect(resolveLeakOptions({ cycles: 40, leak: '1 KiB' })).toEqual({ cycles: 40, warmup: DEFAULT_WARMUP, leak: 1024 })
    expect(resolveLeakOptions({ warmup: undefined })).toEqual({ cycles: DEFAULT_CYCLES, warmup: DEFAULT_WARMUP, leak: DEFAULT_LEAK })
  })

  test('invalidOptions names the matcher, and refuses retained', () => {
    const error = budgetError(() => resolveLeakOptions({ retained: '1 kB', warmup: -1 }))
    expect(error.code).toBe('invalidOptions')
    expect(error.jsonPath).toBe('options.retained')
    expect(error.message).toBe(`Invalid options for toLeakMemory(options):
  options.retained: unknown key; known keys are cycles, warmup, leak, domNodes, listeners
  options.warmup: expected an integer from 0 to 1000, got -1`)
  })

  test('invalidOptions for options that are not an object', () => {
    expect(budgetError(() => resolveLeakOptions(20)).message).toBe(`Invalid options for toLeakMemory(options):
  options: expected an object such as {"cycles":40,"leak":"1 kB"}, got 20`)
  })
})
