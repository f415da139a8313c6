// What is wrong with a matcher's call, said before anything runs: shared by the Node matchers and
// the browser page's (browser-setup.ts), so it imports nothing that cannot load in a page.
import { showValue } from '../budgets/budget-errors.ts'
import type { Block } from '../engine/cycles.ts'

/**
 * A check decides a test's result, fills that test's row of the table, and is guarded by that test's
 * end. beforeAll and afterAll run outside any test: refused there, rather than pass unseen.
 */
export function assertInTest<Task extends { type?: string }>(task: Task | undefined, call: string): Task {
  if (task && (task.type === undefined || task.type === 'test')) return task
  throw new TypeError(
    `${call} was called outside a test (in beforeAll or afterAll?): a memory check decides the result of the test it ` +
      'runs in. Call it inside test() (or in beforeEach/afterEach, which run as part of each test).',
  )
}

export function assertBlock(block: unknown, call: string): asserts block is Block {
  if (typeof block !== 'function') {
    // A promise is the result of calling the block once, e.g. expect(work()): the commonest slip.
    const hint = isThenable(block) ? ' (the result of calling it once?)' : ''
    throw new TypeError(
      `${call}: expected a function to run each cycle, got ${describe(block)}${hint}. Pass the block itself: expect(async ({ enabled }) => { ... })`,
    )
  }
}

/** A budget cannot be negated: refused before anything else is looked at. */
export function assertNotNegated(isNot: boolean, call: string): void {
  if (isNot) {
    throw new TypeError(
      `${call}: a budget cannot be negated. To check that a block breaks a budget, tighten the budget instead.`,
    )
  }
}

export function assertBudgetName(name: unknown, call: string): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`${call}: the budget name must be a non-empty string, got ${describe(name)}`)
  }
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

/** How a wrong argument is named in a message: its type, and its value when short. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (isThenable(value)) return 'a promise'
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object'
  return `${typeof value} ${showValue(value)}`
}
