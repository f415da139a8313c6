import { describe, expect, test } from 'vitest'
import { BudgetError } from '../../src/budgets/budget-errors.ts'
import { formatPercent, parseLimit, parseShare } from '../../src/budgets/relative-limits.ts'
import { resolveBudget } from '../../src/budgets/resolve-budget.ts'
import { validateBudgetFile, validateLeakOptions, validateOverrides } from '../../src/budgets/validate-budget.ts'

const FILE = '/project/memory-budgets.json'
const LIMIT = 'expected a size such as 600 kB, 1.5 MiB or 512 (bytes), a share of the baseline\'s figure such as "2%", or both as { "most": "600 kB", "share": "2%" }, got'

/** The message of the BudgetError `run` throws. */
function messageOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (error instanceof BudgetError) return error.message
    throw error
  }
  throw new Error('expected a BudgetError, none was thrown')
}

/** A file with one budget `t` whose entry is `entry`, validated: its entry, or the error's message. */
const entryOf = (entry: unknown) => validateBudgetFile({ $schema: 's', budgets: { t: entry } }, FILE).budgets.t
const problemOf = (entry: unknown) => messageOf(() => entryOf(entry))

describe('parseShare, parseLimit, formatPercent', () => {
  test.each<[unknown, unknown]>([
    ['2%', { share: 2 }],
    ['0.5 %', { share: 0.5 }],
    [' 10% ', { share: 10 }],
    ['0%', { share: 0 }],
    ['150%', { share: 150 }],
    ['600 kB', 600_000],
    [512, 512],
    [{ share: '2%' }, { share: 2 }],
    [{ most: '600 kB', share: '2%' }, { share: 2, most: 600_000 }],
    [{ most: '600 kB' }, 600_000],
  ])('%j is %j', (input, limit) => {
    expect(parseLimit(input)).toEqual(limit)
  })

  test.each<[unknown]>([['-2%'], ['2 %%'], ['two%'], [{}], [null], [-1]])('%j is refused', (input) => {
    expect(() => parseLimit(input)).toThrow(`${LIMIT} ${JSON.stringify(input) ?? String(input)}`)
  })

  test('a share alone', () => {
    expect(parseShare('2.5%')).toBe(2.5)
    expect(() => parseShare('2.5')).toThrow('expected a share of the baseline\'s figure such as "2%", got "2.5"')
  })

  test.each<[number, string]>([[2, '2%'], [0.5, '0.5%'], [6.4000000001, '6.4%'], [12.345, '12.3%']])('formatPercent(%d) is %s', (percent, text) => {
    expect(formatPercent(percent)).toBe(text)
  })
})

describe('a budget file with relative limits', () => {
  test('takes a share, a share with a most, for allocated, direct and peak', () => {
    expect(entryOf({ allocated: '2%', direct: { most: '25 kB', share: '1%' }, peak: '10 %' })).toEqual({
      allocated: { share: 2 },
      direct: { share: 1, most: 25_000 },
      peak: { share: 10 },
    })
  })

  test('reads "2" as 2 bytes, as before: a share says %', () => {
    expect(entryOf({ allocated: '2' })).toEqual({ allocated: 2 })
  })

  test('reads { "most" } alone as the size, and sizes as before', () => {
    expect(entryOf({ allocated: { most: '600 kB' }, peak: 1000, direct: '25 kB' })).toEqual({ allocated: 600_000, peak: 1000, direct: 25_000 })
  })

  test.each<[string, unknown, string]>([
    ['a share written twice', { allocated: '2 %%' }, `  budgets.t.allocated: ${LIMIT} "2 %%"`],
    ['a word', { allocated: '2 percent' }, `  budgets.t.allocated: ${LIMIT} "2 percent"`],
    ['a negative share', { allocated: '-2%' }, `  budgets.t.allocated: ${LIMIT} "-2%"`],
    ['a negative size', { peak: -5 }, `  budgets.t.peak: ${LIMIT} -5`],
    ['an array', { direct: ['2%'] }, `  budgets.t.direct: ${LIMIT} ["2%"]`],
    ['bytes that are not whole', { allocated: 1.5 }, '  budgets.t.allocated: expected a whole number of bytes, a string such as "1.5 kB", or a share such as "2%", got 1.5'],
    ['a size in bits', { allocated: '8 Mbit' }, `  budgets.t.allocated: ${LIMIT} "8 Mbit": sizes are in bytes, not bits`],
    ['a share that is a number', { allocated: { share: 0.02 } }, '  budgets.t.allocated.share: expected a share of the baseline\'s figure such as "2%", got 0.02'],
    ['a share with no % in the object form', { allocated: { most: '1 kB', share: '2' } }, '  budgets.t.allocated.share: expected a share of the baseline\'s figure such as "2%", got "2"'],
    ['a most that is no size', { allocated: { most: 'lots', share: '2%' } }, '  budgets.t.allocated.most: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "lots"'],
    ['an empty object', { peak: {} }, '  budgets.t.peak: expected "most", "share" or both, such as { "most": "600 kB", "share": "2%" }, got {}'],
    ['a misspelt part', { allocated: { shares: '2%' } }, '  budgets.t.allocated.shares: unknown key; did you mean "share"?'],
    [
      'a share of retained',
      { retained: '2%' },
      '  budgets.t.retained: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "2%": retained takes no share, being already the candidate\'s extra over the baseline (whose own heap is the whole worker\'s); shares are for allocated, direct and peak',
    ],
    [
      'a share of leak',
      { leak: '1%' },
      '  budgets.t.leak: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "1%": leak takes no share, being each variant\'s own growth per cycle (a clean baseline has none); shares are for allocated, direct and peak',
    ],
    [
      'a share of an object count',
      { objects: { TelemetryEvent: '2%' } },
      '  budgets.t.objects.TelemetryEvent: expected a non-negative integer, got "2%": object counts take no share; shares are for allocated, direct and peak',
    ],
  ])('%s: names the file, the JSON path and what was expected', (_, entry, line) => {
    expect(problemOf(entry)).toBe(`Invalid memory budget file ${FILE}:\n${line}`)
  })

  test('a relative limit in defaults is inherited whole; an entry that sets the key replaces it whole', () => {
    const file = { path: FILE, ...validateBudgetFile({ defaults: { allocated: { most: '600 kB', share: '2%' } }, budgets: { a: {}, b: { allocated: '5%' } } }, FILE) }
    expect(resolveBudget(file, 'a').allocated).toEqual({ share: 2, most: 600_000 })
    expect(resolveBudget(file, 'b').allocated).toEqual({ share: 5 })
  })
})

describe("the matcher's overrides and toLeakMemory's options", () => {
  test('overrides take relative limits, and are checked like the file', () => {
    expect(validateOverrides({ allocated: '10%', peak: { share: '5%', most: '1 MB' } }, 't')).toEqual({ allocated: { share: 10 }, peak: { share: 5, most: 1_000_000 } })
    const file = { path: FILE, ...validateBudgetFile({ budgets: { t: { allocated: '2%' } } }, FILE) }
    expect(resolveBudget(file, 't', { allocated: '10%' }).allocated).toEqual({ share: 10 })
    expect(messageOf(() => validateOverrides({ allocated: '10 %%' }, 't'))).toBe(`Invalid overrides for memory budget "t":\n  overrides.allocated: ${LIMIT} "10 %%"`)
  })

  test("toLeakMemory's leak takes no share", () => {
    expect(messageOf(() => validateLeakOptions({ leak: '1%' }))).toBe(
      'Invalid options for toLeakMemory(options):\n' +
      '  options.leak: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "1%": leak takes no share, being each variant\'s own growth per cycle (a clean baseline has none); shares are for allocated, direct and peak',
    )
  })
})
