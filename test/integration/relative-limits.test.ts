import { beforeAll, expect, test } from 'vitest'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

let run: SuiteRun
beforeAll(async () => {
  run = await runSuite('relative-limits')
})

test('a candidate allocating 5% more than its baseline breaks 2% and fits 10%', () => {
  expect(run.unhandled).toEqual([])
  expect(run.states, whyOf(run)).toEqual({
    '5% more allocation than the baseline breaks "allocated": "2%"': 'failed',
    '5% more allocation than the baseline fits "allocated": "10%"': 'passed',
    'a share with a most: the share decides when it is the smaller': 'failed',
    'an override of 10% in code fits where the file says 2%': 'passed',
  })
})

// 4,000 strings of 1 KB a cycle (4.1 MB) and 200 more (+205 kB, 5%), sampled: within ±28 kB (95%).
const EXTRA = String.raw`\+(1[89]\d|2[0-3]\d) kB/cycle \(\+(4\.[5-9]|5\.[0-6])% of the baseline's (4\.0[5-9]|4\.1\d?) MB/cycle\)`

test('the message gives the extra as a share of the baseline, and the limit as written and in bytes', () => {
  expect(run.errors['5% more allocation than the baseline breaks "allocated": "2%"']).toMatch(
    new RegExp(String.raw`allocated ${EXTRA} > 2% \(8[12](\.\d)? kB/cycle\)  \(\+(9\d|1[0-5]\d) kB, ±(2\d|3[0-2])(\.\d)? kB\)`),
  )
  expect(run.errors['a share with a most: the share decides when it is the smaller']).toMatch(
    new RegExp(String.raw`allocated ${EXTRA} > 2% \(8[12](\.\d)? kB/cycle; most 1 MB/cycle\)`),
  )
})
