import { describe, expect, test } from 'vitest'
import { earlierAttempts, headline, type RunCounts } from '../../src/reporting/check-rows.ts'

const at = (retry: number, repeat = 0) => ({ attempt: { retry, repeat } })

describe('earlierAttempts', () => {
  test('a test that ran once: nothing is earlier', () => {
    expect(earlierAttempts([at(0), at(0)], { retry: 0, repeat: 0 })).toEqual([false, false])
  })

  test('a test retried twice: the checks of its first two attempts are earlier, the third is final', () => {
    expect(earlierAttempts([at(0), at(1), at(2)], { retry: 2, repeat: 0 })).toEqual([true, true, false])
  })

  test('a final attempt that failed before its check: every check came from an earlier attempt', () => {
    expect(earlierAttempts([at(0)], { retry: 1, repeat: 0 })).toEqual([true])
  })

  test('records of a plugin version without attempts count as first attempts', () => {
    expect(earlierAttempts([{}], { retry: 0, repeat: 0 })).toEqual([false])
  })

  test('repeats: each repeat keeps its last attempt; the retry count goes on across repeats', () => {
    // repeat 0: attempts 0 (failed) and 1; repeat 1 starts at retry 1 and passes.
    expect(earlierAttempts([at(0, 0), at(1, 0), at(1, 1)], { retry: 1, repeat: 1 })).toEqual([true, false, false])
  })
})

describe('headline', () => {
  const counts = (over: Partial<RunCounts>): RunCounts => ({
    checks: 3, within: 3, over: 0, timedOut: 0, aborted: 0, earlierAttempts: 0, budgets: 2, leakChecks: 1, ...over,
  })
  const text = (over: Partial<RunCounts>) => {
    const { lead, rest } = headline(counts(over))
    return `[${lead}]${rest}`
  }

  test.each([
    [{}, '[All 3 memory checks within budget] (2 budgets checked, 1 leak check).'],
    [{ within: 2, over: 1 }, '[1 of 3 memory checks over budget], 2 within (2 budgets checked, 1 leak check).'],
    [{ checks: 1, within: 0, timedOut: 1, budgets: 0 }, '[1 of 1 memory check timed out], 0 within (0 budgets checked, 1 leak check).'],
    [{ within: 2, aborted: 1 }, '[1 of 3 memory checks aborted], 2 within (2 budgets checked, 1 leak check).'],
    [{ checks: 4, within: 2, over: 1, timedOut: 1, budgets: 3 }, '[2 of 4 memory checks did not pass]: 1 over budget, 1 timed out; 2 within (3 budgets checked, 1 leak check).'],
    [{ within: 2, over: 1, earlierAttempts: 1 }, '[1 of 3 memory checks over budget], 2 within (2 budgets checked, 1 leak check). Not counted: 1 earlier attempt of a retried test.'],
    [{ checks: 0, within: 0, budgets: 0, leakChecks: 0 }, '[No memory check ran] in this run.'],
    [{ checks: 0, within: 0, budgets: 0, leakChecks: 0, earlierAttempts: 2 }, '[No memory check counted]. Not counted: 2 earlier attempts of retried tests.'],
  ])('%j', (over, expected) => {
    expect(text(over)).toBe(expected)
  })
})
