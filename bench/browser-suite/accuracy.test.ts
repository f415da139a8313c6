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

/**
 * Allocation of known size: 10 holey arrays of 10,000 slots a cycle in the candidate, garbage at
 * once. With Chromium's compressed pointers one is 16 B (the JSArray) + 8 B (its backing store's
 * header) + 4 B a slot: 40,024 B, so 400,240 B a cycle. Budgets 20% either side of it, and a clean
 * pair under a 1 kB limit.
 */
let sink: unknown
function buildArrays() {
  for (let i = 0; i < 10; i++) sink = new Array(10_000)
  sink = undefined
}

test.each(runs(__RUNS__.leaks))('allocated-400kB-within-480kB #%i', async () => {
  await expect(({ enabled }) => {
    showTooltip('hello').hide()
    if (enabled) buildArrays()
  }).toStayWithinMemoryBudget('allocated-480kB')
})

test.each(runs(__RUNS__.leaks))('allocated-400kB-over-320kB #%i', async () => {
  await expect(({ enabled }) => {
    showTooltip('hello').hide()
    if (enabled) buildArrays()
  }).toStayWithinMemoryBudget('allocated-320kB')
})

test.each(runs(__RUNS__.leaks))('allocated-clean-within-1kB #%i', async () => {
  await expect(() => {
    showTooltip('hello').hide()
    buildArrays()
  }).toStayWithinMemoryBudget('allocated-1kB')
})
