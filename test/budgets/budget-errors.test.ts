import { describe, expect, test } from 'vitest'
import { BudgetError, formatJsonPath, nearest, showValue, unknownKeyMessage } from '../../src/budgets/budget-errors.ts'

describe('BudgetError', () => {
  test('carries its code, file and the first problem’s place', () => {
    const problems = [
      { code: 'unknownKey' as const, jsonPath: 'budgets.t.retaind', message: 'unknown key; did you mean "retained"?' },
      { code: 'invalid' as const, jsonPath: 'budgets.t.cycles', message: 'expected an integer from 5 to 1000, got 3' },
    ]
    const error = new BudgetError('unknownKey', { file: '/p/memory-budgets.json', problems, hasSchema: true })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('BudgetError')
    expect(error.code).toBe('unknownKey')
    expect(error.file).toBe('/p/memory-budgets.json')
    expect(error.jsonPath).toBe('budgets.t.retaind')
    expect(error.problems).toEqual(problems)
    expect(error.message).toBe(`Invalid memory budget file /p/memory-budgets.json:
  budgets.t.retaind: unknown key; did you mean "retained"?
  budgets.t.cycles: expected an integer from 5 to 1000, got 3`)
  })

  test('has no file or place when the error is about neither', () => {
    const error = new BudgetError('invalidOptions', { matcher: 'toLeakMemory', problems: [] })
    expect(error.file).toBeUndefined()
    expect(error.jsonPath).toBeUndefined()
  })

  test('keeps the cause', () => {
    const cause = new SyntaxError('Unexpected end of JSON input')
    const error = new BudgetError('notJson', { file: '/p/b.json', detail: cause.message }, { cause })
    expect(error.cause).toBe(cause)
    expect(error.message).toBe('Memory budget file is not valid JSON: /p/b.json\nUnexpected end of JSON input')
  })
})

describe('formatJsonPath', () => {
  test.each<[Array<string | number>, string, string]>([
    [['budgets', 'telemetry', 'retained'], '', 'budgets.telemetry.retained'],
    [['budgets', 'my budget', 'leak'], '', 'budgets["my budget"].leak'],
    [['budgets', 'a.b'], '', 'budgets["a.b"]'],
    [['budgets', '2x'], '', 'budgets["2x"]'],
    [['budgets', '$ok_1'], '', 'budgets.$ok_1'],
    [['sites', 'direct', 0], '', 'sites.direct[0]'],
    [['my budget'], '', '["my budget"]'],
    [[], '', ''],
    [['cycles'], 'overrides', 'overrides.cycles'],
    [[], 'options', 'options'],
  ])('%j under %j is %s', (segments, root, path) => {
    expect(formatJsonPath(segments, root)).toBe(path)
  })
})

describe('showValue', () => {
  const circular: Record<string, unknown> = {}
  circular.self = circular
  test.each<[unknown, string]>([
    ['12 parsecs', '"12 parsecs"'],
    [3, '3'],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [undefined, 'undefined'],
    [null, 'null'],
    [10n, '10n'],
    [() => 1, 'a function'],
    [[1, 2], '[1,2]'],
    [{ a: 1 }, '{"a":1}'],
    [circular, 'an object'],
    ['x'.repeat(100), `"${'x'.repeat(56)}...`],
  ])('%s is shown as %s', (value, shown) => {
    expect(showValue(value)).toBe(shown)
  })
})

describe('nearest', () => {
  const keys = ['cycles', 'warmup', 'retained', 'leak']
  test.each<[string, string | undefined]>([
    ['retaind', 'retained'],
    ['retain', 'retained'],
    ['Retained', 'retained'],
    ['leek', 'leak'],
    ['cycle', 'cycles'],
    ['warmUp', 'warmup'],
    ['limit', undefined],
    ['x', undefined],
    ['', undefined],
  ])('%s -> %s', (word, guess) => {
    expect(nearest(word, keys)).toBe(guess)
  })

  test('takes the first of equally near candidates', () => {
    expect(nearest('ab', ['ac', 'ad'])).toBe('ac')
  })
})

test('unknownKeyMessage suggests a near key, or lists them all', () => {
  expect(unknownKeyMessage('leek', ['retained', 'leak'])).toBe('unknown key; did you mean "leak"?')
  expect(unknownKeyMessage('limit', ['retained', 'leak'])).toBe('unknown key; known keys are retained, leak')
})
