// Vitest runs this file in browser-mode projects instead of worker-setup.ts. The page keeps only the
// block: a check hands it to the main process (browser-command.ts), which drives the cycles, full GCs
// and readings of the page's heap over the DevTools protocol. Nothing here may import Node's modules
// or the engine: Vite bundles this file for the page.
import { expect, inject, onTestFinished, vi, type TaskMeta } from 'vitest'
import { commands } from 'vitest/browser'
import type { GuardedTest } from './await-guard.ts'
import type { BrowserCheckCut, BrowserCheckRequest, BrowserCheckResult } from './browser-command.ts'
import { ABANDON_WAIT_MS } from './abandon-wait.ts'
import { ABORT_COMMAND, CHECK_COMMAND, PROVIDE_KEY, TIMEOUT_COMMAND } from './browser-names.ts'
import { assertBlock, assertBudgetName, assertInTest, assertNotNegated } from './call-checks.ts'
import type { Block } from '../engine/cycles.ts'
import { META_KEY } from '../reporting/meta-key.ts'
import type { CheckRecord } from '../reporting/check-record.ts'

type Command<Args extends unknown[], Result> = (...args: Args) => Promise<Result>
const plugin = commands as unknown as {
  [CHECK_COMMAND]: Command<[BrowserCheckRequest], BrowserCheckResult>
  [ABORT_COMMAND]: Command<[string, 'timed out' | 'not awaited'], BrowserCheckCut | undefined>
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
  task?: { meta: TaskMeta; type?: string; result?: { retryCount?: number; repeatCount?: number; errors?: Array<{ message?: string }> } } & GuardedTest
}

type OnFinished = (handler: (context: { task: unknown }) => unknown) => void

let checks = 0

/**
 * Runs a check in the main process on this page's heap: the block waits in the top window (the
 * page's DevTools session evaluates there; the test's frame is of the same origin) for the main
 * process to call it, cycle by cycle. The record goes to the test's meta, as in Node.
 */
async function checkInMainProcess(test: NonNullable<MatcherContext['task']>, isNot: boolean, block: Block, request: DistributiveOmit<BrowserCheckRequest, 'runner'>) {
  const runner = `__vitestMemoryBudgetRunner${++checks}`
  // The page's own globals, untyped: the package is built without the DOM library.
  const top = (globalThis as unknown as { top: Record<string, unknown> }).top
  // Not async: what the block throws must stay a throw, not become a rejection.
  top[runner] = (enabled: boolean, cycle: number) => Promise.resolve(block(Object.freeze({ enabled, cycle }))).then(settle)
  const note = (record: CheckRecord) => {
    const attempt = { retry: test.result?.retryCount ?? 0, repeat: test.result?.repeatCount ?? 0 }
    const meta = test.meta as Record<string, CheckRecord[] | undefined>
    ;(meta[META_KEY] ??= []).push({ ...record, attempt })
  }
  let cut = false
  const pending = plugin[CHECK_COMMAND]({ ...request, runner } as BrowserCheckRequest)
  failIfNotAwaited(test, pending, request.call, async (cause) => {
    const stopped = await plugin[ABORT_COMMAND](runner, cause)
    if (stopped) {
      cut = true
      note(stopped.record)
    }
    return stopped
  })
  try {
    const result = await pending
    // A check its test left behind has its row already: cut where the test ended.
    if (!cut) note(result.record)
    // Its test already fails with the reason: a rejection arriving after it ended would only add a stray error to the run.
    if (cut) return { pass: !isNot, message: () => '' }
    if ('error' in result) throw pageError(result.error)
    return { pass: result.pass, message: () => result.message }
  } finally {
    delete top[runner]
  }
}

/**
 * As in Node (await-guard.ts): a check still running when its test finishes was not awaited, or its
 * test timed out waiting for it. The test fails saying which, and the check stops at its next cycle.
 * The test's own hook: the global one attaches to whichever test started last, which under
 * test.concurrent is not this one.
 */
function failIfNotAwaited(test: NonNullable<MatcherContext['task']>, pending: Promise<unknown>, call: string, stop: (cause: 'timed out' | 'not awaited') => Promise<BrowserCheckCut | undefined>) {
  let settled = false
  const done = () => {
    settled = true
  }
  pending.then(done, done)
  const own = test.context?.onTestFinished
  ;((typeof own === 'function' ? own : onTestFinished) as OnFinished)(async ({ task }) => {
    if (settled || task !== test) return
    const timedOut = test.result?.errors?.some((error) => /timed out/i.test(error.message ?? '')) ?? false
    const stopped = await stop(timedOut ? 'timed out' : 'not awaited')
    // It ended on its own while being stopped: its verdict stands.
    if (!stopped) return
    // The page's next test starts when this hook ends: give the check its next cycle boundary to stop at.
    await Promise.race([pending.catch(() => {}), new Promise((resolve) => ownSetTimeout(resolve, ABANDON_WAIT_MS))])
    if (timedOut) throw new Error(`${call} was still measuring when the test timed out: in ${stopped.where}. ${stopped.timeSpent}`)
    throw new Error(`${call} was not awaited, so its verdict could not fail this test. Memory checks are asynchronous: write\n\n  await ${call}\n`)
  })
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
    return checkInMainProcess(test, this.isNot, block, { matcher: 'toStayWithinMemoryBudget', call, name, ...(overrides !== undefined && { overrides }) })
  },

  /** pass means "leaks": use it as `.not.toLeakMemory()`. */
  async toLeakMemory(this: MatcherContext, block: unknown, options?: unknown) {
    const call = `expect(block).${this.isNot ? 'not.' : ''}toLeakMemory()`
    const test = assertInTest(this.task, call)
    assertBlock(block, call)
    return checkInMainProcess(test, this.isNot, block, { matcher: 'toLeakMemory', call, ...(options !== undefined && { options }) })
  },
})

// A file that calls a memory matcher gets the time checks need (MemoryBudgetOptions.testTimeout),
// as in Node; the main process reads the file, which the page cannot.
const options = inject(PROVIDE_KEY as never) as { testTimeout?: number } | undefined
if (options?.testTimeout && (await plugin[TIMEOUT_COMMAND]())) vi.setConfig({ testTimeout: options.testTimeout })
