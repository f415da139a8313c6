import { beforeAll, expect, test } from 'vitest'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

// fixtures/suites/hooks: checks where tests put them besides test bodies: hooks, concurrent tests.
let run: SuiteRun
beforeAll(async () => {
  run = await runSuite('hooks')
})

test('a check in beforeAll is refused with the reason; one in beforeEach runs as part of its test', () => {
  expect(run.states, whyOf(run)).toMatchObject({
    'a test after a check in beforeAll': 'skipped',
    'a test after a check in beforeEach': 'passed',
  })
  const [refusal] = run.unhandled.length ? run.unhandled : [run.output.match(/TypeError: (expect\(block\)[^\n]*)/)?.[1]]
  expect(refusal).toBe(
    'expect(block).not.toLeakMemory() was called outside a test (in beforeAll or afterAll?): a memory check decides the ' +
      'result of the test it runs in. Call it inside test() (or in beforeEach/afterEach, which run as part of each test).',
  )
})

test.each([
  ['the first of two concurrent checks', 'the second of two concurrent checks'],
  ['the first of two concurrent checks, global expect', 'the second of two concurrent checks, global expect'],
])('concurrent tests: %s is measured, the other is refused, and nothing is called not awaited', (first, second) => {
  expect({ [first]: run.states[first], [second]: run.states[second] }, whyOf(run)).toEqual({ [first]: 'passed', [second]: 'failed' })
  expect(run.errors[second]).toBe(
    'expect(block).not.toLeakMemory() started while expect(block).not.toLeakMemory() was still measuring in the same worker. ' +
      'Memory checks read the whole heap and cannot overlap: run them in tests that are not concurrent.',
  )
})

test("with the test context's expect, the measured check's row is in the table", () => {
  // Vitest's global expect cannot tell concurrent tests apart (its docs ask for the context's):
  // the verdicts above hold with either, the row only with the context's.
  expect(run.output).toMatch(/toLeakMemory {2}the first of two concurrent checks +10 /)
})
