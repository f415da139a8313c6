// Vitest runs this file in browser-mode projects instead of worker-setup.ts. The page keeps only the
// block: a check hands it to the main process (browser-command.ts), which drives the cycles, full GCs
// and readings of the page's heap over the DevTools protocol. Nothing here may import Node's modules
// or the engine: Vite bundles this file for the page.
import { expect, inject, onTestFinished, vi, type TaskMeta } from 'vitest'
import { commands } from 'vitest/browser'
import type { GuardedTest } from './await-guard.ts'
import type { BrowserCheckRequest, BrowserCheckResult } from './browser-command.ts'
import { ABORT_COMMAND, CHECK_COMMAND, PROVIDE_KEY, TIMEOUT_COMMAND } from './browser-names.ts'
import { assertBlock, assertBudgetName, assertInTest, assertNotNegated } from './call-checks.ts'
import type { Block } from '../engine/cycles.ts'
import { META_KEY } from '../reporting/meta-key.ts'
import type { CheckRecord } from '../reporting/check-record.ts'

type Command<Args extends unknown[], Result> = (...args: Args) => Promise<Result>
const plugin = commands as unknown as {
  [CHECK_COMMAND]: Command<[BrowserCheckRequest], BrowserCheckResult>
  [ABORT_COMMAND]: Command<[string], void>
  [TIMEOUT_COMMAND]: Command<[], boolean>
}

// Taken before any test runs: a test that fakes timers (vi.useFakeTimers) must not stop the
// runner's settling, which waits on them between the block and the full GC.
const ownSetTimeout = globalThis.setTimeout.bind(globalThis)
const nextTask = (resolve: () => void) => {
  ownSetTimeout(resolve, 0)
}

/**
 * Lets what the block left queued run before the main process collects: its microtasks, then two
 * turns of the event loop (a task queued by a task runs by the second).
 */
async function settle(): Promise<void> {
  await new Promise<void>(nextTask)
  await new Promise<void>(nextTask)
}

interface MatcherContext {
  isNot: boolean
  task?: { meta: TaskMeta; type?: string; result?: { retryCount?: number; repeatCount?: number } } & GuardedTest
}

let checks = 0

/**
 * Runs a check in the main process on this page's heap: the block waits in the top window (the
 * page's DevTools session evaluates there; the test's frame is of the same origin) for the main
 * process to call it, cycle by cycle. The record goes to the test's meta, as in Node.
 */
async function checkInMainProcess(test: NonNullable<MatcherContext['task']>, block: Block, request: DistributiveOmit<BrowserCheckRequest, 'runner'>) {
  const runner = `__vitestMemoryBudgetRunner${++checks}`
  // The page's own globals, untyped: the package is built without the DOM library.
  const top = (globalThis as unknown as { top: Record<string, unknown> }).top
  // Not async: what the block throws must stay a throw, not become a rejection.
  top[runner] = (enabled: boolean, cycle: number) => Promise.resolve(block(Object.freeze({ enabled, cycle }))).then(settle)
  // A test that ends first (its timeout) stops the check at its next cycle. The test's own hook:
  // the global one attaches to whichever test started last, which under test.concurrent is not this one.
  const own = test.context?.onTestFinished
  ;(typeof own === 'function' ? (own as typeof onTestFinished) : onTestFinished)(() => plugin[ABORT_COMMAND](runner))
  try {
    const result = await plugin[CHECK_COMMAND]({ ...request, runner } as BrowserCheckRequest)
    const attempt = { retry: test.result?.retryCount ?? 0, repeat: test.result?.repeatCount ?? 0 }
    const meta = test.meta as Record<string, CheckRecord[] | undefined>
    ;(meta[META_KEY] ??= []).push({ ...result.record, attempt })
    if ('error' in result) throw pageError(result.error)
    return { pass: result.pass, message: () => result.message }
  } finally {
    delete top[runner]
  }
}

/** The error that stopped a check, as the test's own: its name, message and stack (the block's own, when it threw). */
function pageError({ name, message, stack }: { name: string; message: string; stack?: string }): Error {
  const error = new Error(message)
  error.name = name
  if (stack) error.stack = stack
  return error
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

expect.extend({
  async toStayWithinMemoryBudget(this: MatcherContext, block: unknown, name: unknown, overrides?: unknown) {
    const call = `expect(block).${this.isNot ? 'not.' : ''}toStayWithinMemoryBudget(${JSON.stringify(name)})`
    assertNotNegated(this.isNot, call)
    const test = assertInTest(this.task, call)
    assertBlock(block, call)
    assertBudgetName(name, call)
    return checkInMainProcess(test, block, { matcher: 'toStayWithinMemoryBudget', call, name, ...(overrides !== undefined && { overrides }) })
  },

  /** pass means "leaks": use it as `.not.toLeakMemory()`. */
  async toLeakMemory(this: MatcherContext, block: unknown, options?: unknown) {
    const call = `expect(block).${this.isNot ? 'not.' : ''}toLeakMemory()`
    const test = assertInTest(this.task, call)
    assertBlock(block, call)
    return checkInMainProcess(test, block, { matcher: 'toLeakMemory', call, ...(options !== undefined && { options }) })
  },
})

// A file that calls a memory matcher gets the time checks need (MemoryBudgetOptions.testTimeout),
// as in Node; the main process reads the file, which the page cannot.
const options = inject(PROVIDE_KEY as never) as { testTimeout?: number } | undefined
if (options?.testTimeout && (await plugin[TIMEOUT_COMMAND]())) vi.setConfig({ testTimeout: options.testTimeout })
