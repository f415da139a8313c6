import vm from 'node:vm'
import { describe, expect, test } from 'vitest'
import { measureAllocations } from '../../src/engine/allocations/index.ts'
import { BlockThrewNonError, blockFailure, describeThrow, describeThrown } from '../../src/engine/block-failure.ts'
import type { Block, HeapProbe } from '../../src/engine/cycles.ts'
import { measureBudget, measureLeak } from '../../src/engine/measure.ts'
import { CheckProgress, Pass } from '../../src/engine/progress.ts'

/** A probe that reads a constant heap: the loops' protocol without V8. */
const probe: HeapProbe = {
  gc: () => {},
  read: (series, index) => {
    series.data[index] = 1_000_000
    series.code[index] = 0
  },
  code: () => 0,
}

/** What a measurement rejected with. */
async function failureOf(measuring: Promise<unknown>): Promise<unknown> {
  try {
    await measuring
  } catch (error) {
    return error
  }
  throw new Error('the measurement did not fail')
}

describe('what a block throws', () => {
  test('an Error passes through the loop as it is: the same object, its stack untouched', async () => {
    const thrown = new RangeError('boom in cycle 3')
    const stack = thrown.stack
    const error = await failureOf(measureLeak(({ cycle }) => { if (cycle === 3) throw thrown }, { cycles: 5, warmup: 0 }, probe))
    expect(error).toBe(thrown)
    expect((error as Error).stack).toBe(stack)
  })

  test("an Error from another realm (vm pools run tests in contexts of their own) is an Error too", () => {
    const foreign = vm.runInNewContext('new TypeError("from a context")') as unknown
    expect(foreign instanceof Error).toBe(false)
    expect(blockFailure(foreign, new CheckProgress(), false)).toBe(foreign)
  })

  test('anything else is wrapped with the cycle, thrown or rejected, the value kept as the cause', async () => {
    const progress = new CheckProgress()
    const threw = await failureOf(measureBudget(({ cycle }) => { if (cycle === 8) throw undefined }, { cycles: 5, warmup: 2 }, probe, progress))
    expect(threw).toBeInstanceOf(BlockThrewNonError)
    expect((threw as BlockThrewNonError).cause).toBeUndefined()
    expect('cause' in (threw as Error)).toBe(true)
    // Warm-ups run their 2 cycles (the fake heap never compiles): baseline warm-up 0-1, baseline 2-6, candidate warm-up 7-8.
    expect(describeThrow(threw as BlockThrewNonError, 'budget', 5)).toBe(
      "the block threw undefined in candidate warm-up cycle 2 ({ enabled: true, cycle: 8 }), not an Error: only an Error has a stack that says where it came from. The value is this error's cause.",
    )
    const reason = { code: 42 }
    const rejected = await failureOf(measureLeak(async ({ cycle }) => { if (cycle === 6) throw reason }, { cycles: 5, warmup: 3 }, probe))
    expect((rejected as BlockThrewNonError).cause).toBe(reason)
    expect(describeThrow(rejected as BlockThrewNonError, 'leak', 5)).toMatch(/^the block's promise rejected with an object \{ code: 42 \} in measured cycle 4 of 5 \(\{ enabled: false, cycle: 6 \}\), not an Error/)
  })

  test('the cycle is the one that threw, not where the progress went afterwards', async () => {
    const progress = new CheckProgress()
    const error = (await failureOf(measureLeak(() => Promise.reject(null), { cycles: 5, warmup: 0 }, probe, progress))) as BlockThrewNonError
    Object.assign(progress, { index: 4, cycle: 9 })
    expect(describeThrow(error, 'leak', 5)).toMatch(/^the block's promise rejected with null in measured cycle 1 of 5 \(\{ enabled: false, cycle: 0 \}\), /)
  })

  test('in the allocation pass, whose loops are its own', async () => {
    const progress = new CheckProgress()
    progress.pass = Pass.allocation
    const block: Block = ({ cycle }) => { if (cycle === 4) throw 'nope' }
    const error = (await failureOf(measureAllocations(block, { cycles: 3, warmup: 0 }, { probe, progress }))) as BlockThrewNonError
    expect(describeThrow(error, 'budget', 3)).toMatch(/^the block threw the string "nope" in the allocation pass, candidate cycle 2 of 3 \(\{ enabled: true, cycle: 4 \}\), /)
  })
})

describe('describeThrown', () => {
  class Reason {
    readonly code: number
    constructor(code: number) {
      this.code = code
    }
  }
  test.each<[string, unknown, string]>([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a string', 'boom', 'the string "boom"'],
    ['a long string', 'x'.repeat(200), `the string "${'x'.repeat(116)}...`],
    ['a number', 42, 'the number 42'],
    ['NaN', Number.NaN, 'the number NaN'],
    ['a boolean', false, 'the boolean false'],
    ['a bigint', 7n, 'the bigint 7n'],
    ['a symbol', Symbol('why'), 'the symbol Symbol(why)'],
    ['a named function', function tick() {}, 'the function tick'],
    ['a plain object', { code: 42, detail: { deep: { deeper: { deepest: 1 } } } }, 'an object { code: 42, detail: { deep: { deeper: [Object] } } }'],
    ['an instance', new Reason(3), 'an object Reason { code: 3 }'],
    ['an array', [1, 'two'], "an array [ 1, 'two' ]"],
  ])('%s', (_, value, words) => {
    expect(describeThrown(value)).toBe(words)
  })
})
