import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadBudgetFile } from '../../src/budgets/load-budget-file.ts'
import { copySuite, type SuiteCopy } from '../helpers/copy-suite.ts'
import { watchSuite, type WatchedSuite, whyOf } from '../helpers/run-vitest.ts'

// Watch mode on a copy of fixtures/suites/record-single: a rerun measures again, and the `u` key
// (Vitest's updateSnapshot(), which the key calls) records budgets in that rerun only.

describe('watch mode', () => {
  let suite: SuiteCopy
  let watch: WatchedSuite
  let file: string
  beforeAll(async () => {
    suite = copySuite('record-single')
    file = path.join(suite.root, 'memory-budgets.json')
    watch = await watchSuite(suite.root, { mainEnv: { CI: undefined } })
  })
  afterAll(async () => {
    await watch?.close()
    suite?.remove()
  })

  test('the first run fails the broken and the missing budget, and writes nothing', async () => {
    const before = readFileSync(file, 'utf8')
    const first = await watch.run(1)
    expect(first.states, whyOf(first)).toEqual({ 'a budget the block breaks': 'failed', 'a budget the file lacks': 'failed', 'a leak check': 'passed' })
    expect(first.errors['a budget the file lacks']).toMatch(/vitest -u/)
    expect(readFileSync(file, 'utf8')).toBe(before)
  })

  test('a rerun measures again and reaches the same verdicts', async () => {
    await watch.vitest.rerunTestSpecifications(await watch.vitest.globTestSpecifications())
    const second = await watch.run(2)
    expect(second.states, whyOf(second)).toEqual({ 'a budget the block breaks': 'failed', 'a budget the file lacks': 'failed', 'a leak check': 'passed' })
    // The summary table is printed again, from this run's measurements.
    expect(second.output).toMatch(/"cache" +a budget the block breaks +10\+10 +/)
    expect(second.output).not.toMatch(/Memory budgets recorded/)
  })

  test('u records the failed checks, in that rerun only', async () => {
    await watch.vitest.updateSnapshot()
    const third = await watch.run(3)
    expect(third.states, whyOf(third)).toEqual({ 'a budget the block breaks': 'passed', 'a budget the file lacks': 'passed', 'a leak check': 'passed' })
    expect(third.output).toMatch(/Memory budgets recorded in .*memory-budgets\.json/)
    expect(third.output).toMatch(/changed +"cache" +retained 1 kB -> /)
    expect(third.output).toMatch(/added +"missing"/)
    const budgets = loadBudgetFile(file).budgets
    expect(Object.keys(budgets).sort()).toEqual(['cache', 'missing'])
    expect(budgets.cache!.retained).not.toBe('1 kB')
  })

  test('the next rerun checks the recorded budgets and writes nothing', async () => {
    // Writing the budget file (a rerun trigger) may already have started this run.
    await watch.vitest.rerunTestSpecifications(await watch.vitest.globTestSpecifications())
    const after = readFileSync(file, 'utf8')
    const fourth = await watch.run(4)
    expect(fourth.states, whyOf(fourth)).toEqual({ 'a budget the block breaks': 'passed', 'a budget the file lacks': 'passed', 'a leak check': 'passed' })
    expect(fourth.output).not.toMatch(/Memory budgets recorded/)
    expect(readFileSync(file, 'utf8')).toBe(after)
  })
})
