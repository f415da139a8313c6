/// <reference lib="dom" />
import { expect, test } from 'vitest'
import { mountList } from './tooltip-list.ts'

// The list mounted, updated to 50 items and unmounted, each cycle: without tooltips, then with them.
// Budget "tooltips" in memory-budgets.json says what the feature may keep.
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
