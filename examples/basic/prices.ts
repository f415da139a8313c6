/**
 * A small feature worth a budget: formatting prices, with an optional memo cache. The cache is
 * the "feature" the example measures: it keeps at most MAX_ENTRIES strings, so it costs a bounded
 * one-time amount of memory and must not grow per call.
 */
const MAX_ENTRIES = 500
const cache = new Map<number, string>()
const formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })

export function formatPrice(cents: number, options: { cache: boolean }): string {
  if (!options.cache) return formatter.format(cents / 100)
  const hit = cache.get(cents)
  if (hit !== undefined) return hit
  const text = formatter.format(cents / 100)
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!)
  cache.set(cents, text)
  return text
}
