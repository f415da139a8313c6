import { expect, test } from 'vitest'
import { formatPrice } from './prices.ts'

// Each cycle formats 1,000 prices out of 2,000 distinct ones: the cache fills, evicts, and must
// settle at its bound. Budget "price-cache" in memory-budgets.json says what that may cost.
function formatMany(cycle: number, cache: boolean): void {
  for (let i = 0; i < 1000; i++) formatPrice(((cycle * 1000 + i) % 2000) * 7, { cache })
}

test('the price cache stays within its memory budget', async () => {
  await expect(({ enabled, cycle }) => formatMany(cycle, enabled)).toStayWithinMemoryBudget('price-cache')
})

test('formatting prices without the cache leaks nothing', async () => {
  await expect(({ cycle }) => formatMany(cycle, false)).not.toLeakMemory()
})
