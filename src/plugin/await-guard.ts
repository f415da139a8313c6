import { onTestFinished } from 'vitest'

/** What the guard may do with a check that outlived its test. */
export interface CheckControl {
  /** Where the check is, in words: which pass, cycle and variant (describeProgress). */
  where(): string
  /** Stops the check at its next cycle boundary, before it reads the heap again. */
  abort(): void
  /** Lets the next check in this worker start, whether or not this one ever comes back. */
  release(): void
  /** Records the check as cut short, and where, for the table and the report. */
  recordCut(cause: 'timed out' | 'not awaited', where: string): void
}

/**
 * How long a check told to stop may take to do so. A slow block's cycle ends and the loop stops;
 * a block that never settles never lets it, and the guard does not wait for it beyond this.
 */
export const ABANDON_WAIT_MS = 500

/**
 * Vitest lets a custom async matcher that nobody awaits pass the test: the failure arrives after
 * the test has ended, as a stray unhandled rejection at best. A check still running when its test
 * finishes was not awaited (an awaited one would have held the test open), unless the test timed
 * out while waiting for it. Either way the test fails, with the cause; the check is stopped at its
 * next cycle boundary, so that it cannot bleed into the next test's readings, and a check whose
 * block never settles does not hold up the worker's next check.
 */
export function failIfNotAwaited(check: Promise<unknown>, call: string, test: object | undefined, control: CheckControl): void {
  let settled = false
  const done = () => {
    settled = true
  }
  check.then(done, done)
  onTestFinished(async ({ task }) => {
    // Concurrent tests may see another test's hook: only the test that made the check judges it.
    if (settled || (test && task !== test)) return
    const timedOut = task.result?.errors?.some((error) => /timed out/i.test(error.message ?? ''))
    // Where it is now, before being told to stop: the cycle that held the test up.
    const where = control.where()
    control.recordCut(timedOut ? 'timed out' : 'not awaited', where)
    control.abort()
    await settledWithin(check, ABANDON_WAIT_MS)
    control.release()
    if (timedOut) {
      throw new Error(
        `${call} was still measuring when the test timed out: in ${where}. A block whose promise never ` +
          'settles hangs its check there: look at what that cycle waits for. A slow block needs more time: ' +
          'memory checks run it many times (warm-up, then every cycle of each variant, with a full GC after ' +
          "each), so give the test more time, e.g. test('…', fn, 60_000), or fewer cycles.",
      )
    }
    throw new Error(
      `${call} was not awaited, so its verdict could not fail this test. Memory checks are asynchronous: write\n\n  await ${call}\n`,
    )
  })
}

async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}
