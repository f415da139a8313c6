// Run by bench/coverage.ts in the jsdom and happy-dom environments.
import { expect, test } from 'vitest'
import { detachedNode, detachedRows, mountAndUnmount } from './src/dom.ts'

test('leak: budget candidate keeps a detached node per cycle', async () => {
  await expect(detachedRows()).toStayWithinMemoryBudget('client')
})
test('leak: toLeakMemory block keeps a detached node per cycle', async () => {
  await expect(detachedNode()).not.toLeakMemory()
})
test('clean: budget candidate appends and removes its nodes', async () => {
  await expect(mountAndUnmount()).toStayWithinMemoryBudget('client')
})
test('clean: toLeakMemory block appends and removes its nodes', async () => {
  await expect(mountAndUnmount()).not.toLeakMemory()
})
