import { onTestFinished } from 'vitest'

/**
 * Vitest lets a custom async matcher that nobody awaits pass the test: the failure arrives after
 * the test has ended, as a stray unhandled rejection at best. A check still running when its test
 * finishes was not awaited (an awaited one would have held the test open), unless the test timed
 * out while waiting for it. Either way the test fails, with the cause, after the measurement ends,
 * so that it cannot bleed into the next test's readings.
 */
export function failIfNotAwaited(check: Promise<unknown>, call: string, test: object | undefined): void {
  let settled = false
  const done = () => {
    settled = true
  }
  check.then(done, done)
  onTestFinished(async ({ task }) => {
    // Concurrent tests may see another test's hook: only the test that made the check judges it.
    if (settled || (test && task !== test)) return
    const timedOut = task.result?.errors?.some((error) => /timed out/i.test(error.message ?? ''))
    await check.catch(() => undefined)
    if (timedOut) {
      throw new Error(
        `${call} was still measuring when the test timed out. Memory checks run the block many times ` +
          '(warm-up, then every cycle of each variant, with a full GC after each): give the test more time, ' +
          "e.g. test('…', fn, 60_000), or fewer cycles.",
      )
    }
    throw new Error(
      `${call} was not awaited, so its verdict could not fail this test. Memory checks are asynchronous: write\n\n  await ${call}\n`,
    )
  })
}
