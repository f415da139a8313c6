import { beforeAll, describe, expect, test } from 'vitest'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

// Blocks that throw, or whose promise rejects with, something that is not an Error, run by real
// Vitest on fixtures/suites/thrown-values: each fails with what was thrown and the cycle it was
// thrown in, the value kept as the cause. An Error still fails the test as it is.

const BUDGET = 'expect(block).toStayWithinMemoryBudget("quick")'
const LEAK = 'expect(block).not.toLeakMemory()'
const WHY = "not an Error: only an Error has a stack that says where it came from. The value is this error's cause."

describe('a block that throws something other than an Error', () => {
  let run: SuiteRun
  beforeAll(async () => {
    run = await runSuite('thrown-values')
  })

  test('fails its test, naming the value and the cycle', () => {
    expect(run.unhandled).toEqual([])
    expect(Object.values(run.states), whyOf(run)).toEqual(Array(7).fill('failed'))
    expect(run.errors).toEqual({
      'undefined, thrown in the baseline': `${BUDGET}: the block threw undefined in baseline cycle 3 of 5 ({ enabled: false, cycle: 2 }), ${WHY}`,
      'null, thrown in a warm-up': `${LEAK}: the block threw null in warm-up cycle 2 ({ enabled: false, cycle: 1 }), ${WHY}`,
      'a string, thrown in the candidate': `${BUDGET}: the block threw the string "feature broke" in candidate cycle 2 of 5 ({ enabled: true, cycle: 6 }), ${WHY}`,
      'a number, thrown in an async block': `${LEAK}: the block's promise rejected with the number 42 in measured cycle 4 of 5 ({ enabled: false, cycle: 3 }), ${WHY}`,
      'a plain object, thrown by the feature': `${BUDGET}: the block threw an object { code: 'E_FEATURE', retry: false } in candidate cycle 1 of 5 ({ enabled: true, cycle: 5 }), ${WHY}`,
      'a promise rejected with a string, in the allocation pass':
        `${BUDGET}: the block's promise rejected with the string "no connection" in the allocation pass, baseline cycle 3 of 5 ({ enabled: false, cycle: 12 }), ${WHY}`,
      'an Error fails the test as it is': 'bad input in cycle 2',
    })
  })

  test('the value thrown is the cause, which Vitest prints', () => {
    expect(run.output).toContain('Caused by: feature broke\n')
    expect(run.output).toContain('Caused by: 42\n')
    expect(run.output).toContain('Caused by: no connection\n')
  })

  test("an Error keeps its own name and stack, which points at the block's line", () => {
    expect(run.output).toMatch(/FAIL {2}thrown-values\.test\.ts > an Error fails the test as it is\nTypeError: bad input in cycle 2\n ❯ thrown-values\.test\.ts:47:28\n/)
  })
})
