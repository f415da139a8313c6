import { beforeAll, describe, expect, test } from 'vitest'
import { runSuite, type SuiteRun } from '../helpers/run-vitest.ts'

// Real Vitest runs of fixtures/suites/*, with the plugin as a user adds it: these tests assert what
// a user sees, which tests pass, which fail, and what the failures say.
describe.each(['forks', 'threads'])('the core suite in the %s pool', (pool) => {
  let run: SuiteRun
  beforeAll(async () => {
    run = await runSuite('core', { pool })
  })

  test.each([
    'clean block stays within its budget',
    'one-time 200 kB cache fits 300 kB',
    'extra garbage is not retained memory',
    'clean block does not leak',
    'a leak within the allowance passes',
  ])('passes: %s', (name) => {
    expect(run.errors[name]).toBeUndefined()
    expect(run.states[name]).toBe('passed')
  })

  test('a candidate leak fails with the budget, the excess and the file', () => {
    const name = 'candidate retaining 2 kB a cycle breaks a 1 kB leak budget'
    expect(run.states[name]).toBe('failed')
    const message = run.errors[name]!
    expect(message).toContain('memory budget "telemetry" exceeded (20 cycles without, 20 with)')
    expect(message).toMatch(/leak {6}candidate grows [\d.]+ kB\/cycle > 1 kB\/cycle/)
    expect(message).toMatch(/within {4}retained [\d.]+ kB/)
    expect(message).toMatch(/budget file: .*fixtures\/suites\/core\/memory-budgets\.json/)
  })

  test('a one-time cost over the retained limit fails with its excess and where it was allocated', () => {
    for (const [name, limit] of [['one-time 200 kB cache breaks 100 kB', '100 kB'], ['overrides tighten a budget', '50 kB']] as const) {
      expect(run.states[name]).toBe('failed')
      const message = run.errors[name]!
      // 200 strings of exactly 1 KiB, read by heap statistics (a few hundred bytes of noise at most).
      expect(message).toMatch(new RegExp(`retained  20\\d kB > ${limit}  \\(\\+`))
      // The first run, without heap snapshots, paid the cache; the second, with them, found it filled:
      // the first run's sampler names the function that made the strings (the fixture's, or its helper
      // when V8 did not inline it), and about how much they hold.
      expect(message).toMatch(
        /\n {12}(19|20)\d kB of it paid once, in a first run without heap snapshots: a second run, with them, did not pay it again\n {12}held at the first run's end, by where it was allocated in its measured cycles \(sampled\):\n {12}\S+ \(\.\.\/\.\.\/blocks\/(payload|candidate)\.ts:\d+\)  ~\d+ kB\n/,
      )
    }
  })

  test('leaks are caught by .not.toLeakMemory() with their rate', () => {
    expect(run.states['array leak of 1 kB a cycle is caught']).toBe('failed')
    expect(run.errors['array leak of 1 kB a cycle is caught']).toMatch(/block leaks memory[^]*leak {6}block grows 1\.\d+ kB\/cycle > 0 B\/cycle/)
    expect(run.states['buffer leak of 16 kB a cycle is caught']).toBe('failed')
    expect(run.errors['buffer leak of 16 kB a cycle is caught']).toMatch(/block grows 1[67](\.\d+)? kB\/cycle/)
  })

  test('a block that throws or rejects fails with its own error, not a measurement', () => {
    expect(run.states['a throwing block fails with its own error']).toBe('failed')
    expect(run.errors['a throwing block fails with its own error']).toBe('boom in cycle 3')
    expect(run.states['a rejecting block fails with its own error']).toBe('failed')
    expect(run.errors['a rejecting block fails with its own error']).toBe('rejected on purpose')
  })

  test('an unknown budget name fails with the known names', () => {
    const message = run.errors['an unknown budget lists the known ones']!
    expect(message).toContain('telemetri')
    expect(message).toContain('telemetry')
    expect(message).toContain('cache-roomy')
  })

  test('a forgotten await fails the test instead of passing silently', () => {
    const name = 'a check that is not awaited fails the test'
    expect(run.states[name]).toBe('failed')
    expect(run.errors[name]).toContain('was not awaited')
    expect(run.errors[name]).toContain('await expect(block).not.toLeakMemory()')
  })

  test('a block that is not a function is refused with a clear message', () => {
    expect(run.errors['a block that is not a function is refused']).toContain('expected a function to run each cycle, got number 42')
  })

  test('a negated budget is refused before measuring', () => {
    expect(run.errors['a negated budget is refused']).toBe(
      'expect(block).not.toStayWithinMemoryBudget("clean"): a budget cannot be negated. To check that a block breaks a budget, tighten the budget instead.',
    )
  })

  test('a check cut short by the test timeout says so, not "not awaited"', () => {
    const message = run.errors['a check that outlives the test timeout says so']!
    expect(message).toContain('was still measuring when the test timed out')
    expect(message).not.toContain('was not awaited')
  })

  test('two checks at once in one worker: the second is refused, the first measures', () => {
    const states = [run.states['first concurrent check'], run.states['second concurrent check']].sort()
    expect(states).toEqual(['failed', 'passed'])
    const message = run.errors['first concurrent check'] ?? run.errors['second concurrent check']
    expect(message).toContain('started while expect(block).not.toLeakMemory() was still measuring in the same worker')
  })

  test('the run ends with the summary table of every check', () => {
    expect(run.output).toContain('Memory budgets')
    expect(run.output).toMatch(/\n  verdicts\.test\.ts\n/)
    // The budget sets no allocation limit: no allocation pass, so "-" for allocation and peak.
    expect(run.output).toMatch(/"telemetry" +candidate retaining 2 kB a cycle breaks a 1 kB le… +20\+20 +[\d.]+ kB exact +-?[\d.]+ k?B\/cycle \/ [12](\.\d+)? kB\/cycle +- +- +.+ +over/)
    // A one-time cost that only the first run paid: the row shows the figure judged, the first run's
    // (its objects column is the second run's, which may hold a stray object or none).
    expect(run.output).toMatch(/"cache-tight" +one-time 200 kB cache breaks 100 kB +20\+20 +(19|20)\d kB ±[\d.]+ k?B +-?[\d.]+ k?B\/cycle \/ -?[\d.]+ k?B\/cycle +- +- +.+ +over/)
    expect(run.output).toMatch(/toLeakMemory +clean block does not leak +20 +- +-?[\d.]+ k?B\/cycle +- +- +- +within/)
  })

  test('a check cut short is a row of the table, its verdict and where it stopped on the line under it', () => {
    const row = (check: string, test: string, cycles: string, verdict: string) => new RegExp(`\n {4}${check} +${test} +${cycles} +- +- +- +- +- +${verdict}\n`)
    expect(run.output).toMatch(row('"clean"', 'a throwing block fails with its own error', '20\\+20', 'aborted'))
    expect(run.output).toContain('\n                   error: boom in cycle 3, in warm-up cycle 4 ({ enabled: false, cycle: 3 })\n')
    expect(run.output).toMatch(row('toLeakMemory', 'a rejecting block fails with its own error', '20', 'aborted'))
    expect(run.output).toContain('\n                   error: rejected on purpose, in warm-up cycle 1 ({ enabled: false, cycle: 0 })\n')
    expect(run.output).toMatch(row('toLeakMemory', 'a check that is not awaited fails the test', '20', 'aborted'))
    expect(run.output).toMatch(/\n {19}not awaited: its test ended first, in [^\n]+\n/)
    expect(run.output).toMatch(row('toLeakMemory', 'a check that outlives the test timeout says so', '20', 'timed out'))
    expect(run.output).toMatch(/\n {19}the test timed out, in [^\n]*cycle[^\n]*\n/)
    expect(run.output).toContain('\n                   refused: expect(block).not.toLeakMemory() was measuring in the same worker\n')
    expect(run.output).toMatch(/\n \d+ of \d+ memory checks did not pass: 5 over budget, 1 timed out, \d aborted; \d within \(4 budgets checked, \d+ leak checks\)\.\n/)
  })
})

describe('budget file problems', () => {
  test('a missing budget file fails budget checks with its path, and toLeakMemory still works', async () => {
    const run = await runSuite('no-budget-file')
    expect(run.states['a budget check without a budget file']).toBe('failed')
    expect(run.errors['a budget check without a budget file']).toMatch(/fixtures\/suites\/no-budget-file\/memory-budgets\.json/)
    expect(run.states['toLeakMemory needs no budget file']).toBe('passed')
  })

  test('a misspelt key names the file, the JSON path and the key meant', async () => {
    const run = await runSuite('bad-budget-file')
    const message = run.errors['a budget check with a misspelt key in the file']!
    expect(message).toContain('bad-budget-file/memory-budgets.json')
    expect(message).toContain('budgets.telemetry')
    expect(message).toContain('leek')
    expect(message).toContain('leak')
  })
})
