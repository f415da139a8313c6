import { onTestFinished } from 'vitest'

/**
 * Vitest lets a custom async matcher that nobody awaits pass the test: the failure arrives after
 * the test has ended, as a stray unhandled rejection at best. A check still running when its test
 * finishes was not awaited (an awaited one would have held the test open), so fail the test then,
 * after letting the measurement end so it cannot bleed into the next test's readings.
 */
export function failIfNotAwaited(check: Promise<unknown>, call: string): void {
  let settled = false
  const done = () => {
    settled = true
  }
  check.then(done, done)
  onTestFinished(async () => {
    if (settled) return
    await check.catch(() => undefined)
    throw new Error(
      `${call} was not awaited, so its verdict could not fail this test. Memory checks are asynchronous: write\n\n  await ${call}\n`,
    )
  })
}
