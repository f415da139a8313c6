// Run by bench/coverage.ts: the leaks must be caught in every run, the clean blocks never fail.
import { expect, test } from 'vitest'
import { cleanClient, leakyBlock, leakyClient } from './src/client.ts'

test('leak: budget candidate keeps one object per cycle', async () => {
  await expect(leakyClient()).toStayWithinMemoryBudget('client')
})
test('leak: toLeakMemory block keeps one object per cycle', async () => {
  await expect(leakyBlock()).not.toLeakMemory()
})
test('clean: budget candidate drops its objects', async () => {
  await expect(cleanClient()).toStayWithinMemoryBudget('client')
})
test('clean: toLeakMemory block drops its objects', async () => {
  await expect(cleanClient()).not.toLeakMemory()
})
