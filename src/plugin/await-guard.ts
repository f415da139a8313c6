import { onTestFinished } from 'vitest'
import { ownClearTimeout, ownSetTimeout } from '../engine/own-timers.ts'
import { ABANDON_WAIT_MS } from './abandon-wait.ts'

/** What the guard may do with a check that outlived its test. */
export interface CheckControl {
  /** Where the check is, in words: which pass, cycle and variant (describeProgress). */
  where(): string
  /** Where its time went and what to do about it (describeTimeSpent). */
  timeSpent(): string
  /** Stops the check at its next cycle boundary, before it reads the heap again. */
  abort(): void
  /** Lets the next check in this worker start, whether or not this one ever comes back. */
  release(): void
  /**
   * Another check was refused while this one ran: tests run concurrently, and Vitest's global
   * `expect` may then name the other test as this check's. Its test is not known for sure.
   */
  overlapped(): boolean
  /** Records the check as cut short, and where, for the table and the report. */
  recordCut(cause: 'timed out' | 'not awaited', where: string): void
}

/** The test a check runs in, as the matcher's context gives it. */
export interface GuardedTest {
  /** The test's own context: its `onTestFinished` belongs to this test even when tests run concurrently. */
  readonly context?: { readonly onTestFinished?: unknown }
}

type OnFinished = (handler: (context: { task: { result?: { errors?: Array<{ message?: string }> } } }) => unknown) => void


/**
 * Vitest lets a custom async matcher that nobody awaits pass the test: the failure arrives after
 * the test has ended, as a stray unhandled rejection at best. A check still running when its test
 * finishes was not awaited (an awaited one would have held the test open), unless the test timed
 * out while waiting for it. Either way the test fails, with the cause; the check is stopped at its
 * next cycle boundary, so that it cannot bleed into the next test's readings, and a check whose
 * block never settles does not hold up the worker's next check.
 */
export function failIfNotAwaited(check: Promise<unknown>, call: string, test: GuardedTest, control: CheckControl): void {
  let settled = false
  const done = () => {
    settled = true
  }
  check.then(done, done)
  // The global onTestFinished attaches to whichever test started last, which is not this check's
  // when tests run concurrently: the test's own context says which test it is.
  const own = test.context?.onTestFinished
  const onFinished = (typeof own === 'function' ? own : onTestFinished) as OnFinished
  onFinished(async ({ task }) => {
    // Only the test that made the check judges it; and with checks overlapping (concurrent tests on
    // the global expect), which test that is cannot be known: the refused check's test fails instead.
    if (settled || task !== test || control.overlapped()) return
    const timedOut = task.result?.errors?.some((error) => /timed out/i.test(error.message ?? ''))
    // Where it is now, before being told to stop: the cycle that held the test up.
    const where = control.where()
    const timeSpent = control.timeSpent()
    control.recordCut(timedOut ? 'timed out' : 'not awaited', where)
    control.abort()
    await settledWithin(check, ABANDON_WAIT_MS)
    control.release()
    if (timedOut) {
      throw new Error(`${call} was still measuring when the test timed out: in ${where}. ${timeSpent}`)
    }
    throw new Error(
      `${call} was not awaited, so its verdict could not fail this test. Memory checks are asynchronous: write\n\n  await ${call}\n`,
    )
  })
}

/** Waits on Node's own timer: the test may have faked or replaced the global one (own-timers.ts). */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = ownSetTimeout(resolve, ms)))])
  ownClearTimeout(timer)
}
