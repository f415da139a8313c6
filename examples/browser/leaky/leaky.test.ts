/// <reference lib="dom" />
import { expect, test } from 'vitest'
import { mountList } from './tooltip-list.ts'

// The same checks as ../memory.test.ts, on the leaky twin: both FAIL ON PURPOSE, and say what leaks.
test('tooltips stay within their memory budget', async () => {
  await expect(({ enabled }) => {
    const view = mountList(document.body, { tooltips: enabled })
    view.update(50)
    view.unmount()
  }).toStayWithinMemoryBudget('tooltips')
})

test('mounting and unmounting the list leaks nothing', async () => {
  await expect(() => {
    const view = mountList(document.body, { tooltips: true })
    view.update(50)
    view.unmount()
  }).not.toLeakMemory()
})
