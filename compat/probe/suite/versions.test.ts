import { createRequire } from 'node:module'
import { expect, test } from 'vitest'

// Run by compat/probe/probe.test.ts: the Vitest a test file imports, the Node it runs on, and the
// plugin's matchers registered in this worker.
test('the worker runs the Vitest and the Node of the combination', async () => {
  const vitest = (createRequire(import.meta.url)('vitest/package.json') as { version: string }).version
  const seen = { vitest: vitest.split('.')[0], node: process.versions.node.split('.')[0] }
  console.log(`compat probe: vitest ${seen.vitest}, node ${seen.node}`)
  expect(seen).toEqual({ vitest: process.env.COMPAT_VITEST, node: process.env.COMPAT_NODE })
  await expect(() => {}).not.toLeakMemory({ cycles: 5, warmup: 5 })
})
