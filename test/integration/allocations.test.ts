import { beforeAll, expect, test } from 'vitest'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

let run: SuiteRun
beforeAll(async () => {
  run = await runSuite('allocations')
})

test('verdicts of allocated, direct and peak budgets', () => {
  expect(run.unhandled).toEqual([])
  expect(run.states, whyOf(run)).toEqual({
    '200 kB of extra allocation a cycle breaks allocated 100 kB and direct 25 kB': 'failed',
    '200 kB of extra allocation a cycle fits allocated 400 kB and direct 300 kB': 'passed',
    'holding 16 MB for a moment breaks a 4 MB peak budget': 'failed',
    'holding 16 MB for a moment fits a 20 MB peak budget': 'passed',
    'a clean block allocates nothing extra': 'passed',
  })
})

test('an allocation limit names the extra, the limit and the function that allocates it', () => {
  const message = run.errors['200 kB of extra allocation a cycle breaks allocated 100 kB and direct 25 kB']!
  // 204,800 B a cycle (200 strings of 1 KiB), sampled: within 5%.
  expect(message).toMatch(/allocated \+(19\d|20\d|21\d) kB\/cycle > 100 kB\/cycle/)
  expect(message).toMatch(/direct {4}\+(19\d|20\d|21\d) kB\/cycle in sites\.direct > 25 kB\/cycle/)
  expect(message).toMatch(/serializeEvents \(src\/telemetry\/serialize\.ts:\d+\) +(19\d|20\d|21\d) kB\/cycle +(9\d|100)%/)
})

test('a peak limit names the extra peak', () => {
  expect(run.errors['holding 16 MB for a moment breaks a 4 MB peak budget']).toMatch(/peak {6}\+1[67](\.\d+)? MB a cycle > 4 MB/)
})
