import { beforeAll, expect, test } from 'vitest'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

let run: SuiteRun
beforeAll(async () => {
  run = await runSuite('races')
})

test('a race against a never-settling promise is caught in toLeakMemory and in a budget; its clean form passes', () => {
  expect(run.unhandled).toEqual([])
  expect(run.states, whyOf(run)).toEqual({
    'racing every call against one never-settling signal leaks': 'failed',
    'a candidate that races its queries against a shared cancel signal breaks the default leak limit': 'failed',
    'racing against a timeout of its own, cleared when the call ends, leaks nothing': 'passed',
  })
})

test('the failures say what grows and name what the never-settling promise keeps, and where', () => {
  const block = run.errors['racing every call against one never-settling signal leaks']!.split('\n')
  expect(block[0]).toMatch(/^block leaks memory \(20 cycles after \d+ warm-up\)$/)
  expect(block[1]).toMatch(/^ {2}leak {6}block grows [\d.]+ B\/cycle > 0 B\/cycle {2}\(±[\d.]+ B\/cycle\)$/)
  expect(block[2]).toBe('  left behind by block (heap snapshots of a second run):')
  // Each race leaves its promise and its two resolving functions on the signal's reaction list.
  expect(block[3]).toMatch(/^ {12}\(closure\) x(3[6-9]|4[0-4]) {2}\((1\.9|2\.0|2\.1) per cycle, [\d.]+ kB\)$/)
  expect(block[4]).toMatch(/^ {12}held by \(closure\) -> cancelled: Promise -> reactions_or_result: system \/ PromiseReaction -> /)

  const budget = run.errors['a candidate that races its queries against a shared cancel signal breaks the default leak limit']!.split('\n')
  expect(budget[0]).toBe('memory budget "timeouts" exceeded (20 cycles without, 20 with)')
  expect(budget[1]).toMatch(/^ {2}leak {6}candidate grows [\d.]+ B\/cycle > 0 B\/cycle {2}\(±[\d.]+ B\/cycle\)$/)
  expect(budget[2]).toMatch(/^ {2}objects {3}candidate keeps \(closure\) x\d+ {2}\((1\.9|2\.0|2\.1) per cycle, [\d.]+ kB\)$/)
  expect(budget.at(-1)).toMatch(/^budget file: .*fixtures\/suites\/races\/memory-budgets\.json$/)
})
