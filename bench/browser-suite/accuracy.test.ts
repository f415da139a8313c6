/// <reference lib="dom" />
// The browser bench's fixtures (bench/browser.ts), each of known truth: a DOM leak of one node a
// cycle, of one every 4th cycle, a window listener a cycle, and clean blocks, run many times.
import { expect, test } from 'vitest'

declare const __RUNS__: { leaks: number; clean: number }
const runs = (count: number) => Array.from({ length: count }, (_, i) => i + 1)

/** A tooltip: one element with a listener of its own, shown and hidden again. */
function showTooltip(text: string) {
  const tip = document.createElement('div')
  tip.className = 'tooltip'
  tip.textContent = text
  tip.addEventListener('click', () => tip.classList.toggle('pinned'))
  document.body.append(tip)
  return { tip, hide: () => tip.remove() }
}

const kept: unknown[] = []
const noop = () => {}

test.each(runs(__RUNS__.clean))('clean-show-hide #%i', async () => {
  await expect(() => {
    showTooltip('hello').hide()
  }).not.toLeakMemory()
})

test.each(runs(__RUNS__.leaks))('leak-detached-node #%i', async () => {
  await expect(() => {
    const node = document.createElement('span')
    document.body.append(node)
    node.remove()
    kept.push(node)
  }).not.toLeakMemory()
})

test.each(runs(__RUNS__.leaks))('leak-detached-every-4th #%i', async () => {
  await expect(({ cycle }) => {
    const shown = showTooltip('hello')
    shown.hide()
    if (cycle % 4 === 0) kept.push(shown.tip)
  }).not.toLeakMemory()
})

test.each(runs(__RUNS__.leaks))('leak-window-listener #%i', async () => {
  await expect(() => {
    window.addEventListener('resize', () => noop())
  }).not.toLeakMemory()
})

test.each(runs(__RUNS__.leaks))('budget-clean-tooltips #%i', async () => {
  await expect(({ enabled }) => {
    const shown = showTooltip('hello')
    if (enabled) shown.tip.title = 'more'
    shown.hide()
  }).toStayWithinMemoryBudget('tooltips')
})
