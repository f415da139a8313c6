// Run beside the file under test, in the other worker: a second file busy with memory checks for
// about as long as that file runs, as in a user's suite.
import { expect, test } from 'vitest'
import { cleanClient } from './src/client.ts'

const BUSY_MS = Number(process.env.BESIDE_MS ?? 25_000)

test('beside: clean checks, one after another', async () => {
  const started = performance.now()
  while (performance.now() - started < BUSY_MS) await expect(cleanClient()).not.toLeakMemory()
})
