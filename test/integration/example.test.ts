import { expect, test } from 'vitest'
import { runSuite } from '../helpers/run-vitest.ts'

// The example `npm run example` runs must keep passing, and keep printing its summary.
test('the example suite passes and prints its summary', async () => {
  const run = await runSuite('examples/basic')
  expect(run.errors).toEqual({})
  expect(run.states).toEqual({
    'the price cache stays within its memory budget': 'passed',
    'formatting prices without the cache leaks nothing': 'passed',
  })
  expect(run.output).toMatch(/"price-cache" +the price cache stays within its memory budget +20\+20 +[\d.]+ kB ±[\d.]+ k?B +.* within/)
})
