import { median, Z_95 } from './robust-line.ts'

/** How much larger one sample's values run than another's, with a 95% interval. */
export interface Shift {
  /** Hodges-Lehmann estimate: the median of every difference `later[j] - earlier[i]`. */
  estimate: number
  low: number
  high: number
}

/**
 * The shift between two samples (Hodges-Lehmann), with the distribution-free 95% interval that
 * inverts the Mann-Whitney test (normal approximation to its critical value; for 5 against 5 and
 * 10 against 10 it picks the same order statistics as the exact tables). One wild value moves the
 * estimate by at most one rank, where it would move a maximum or a mean without bound: that is why
 * the peak is judged by it.
 */
export function shiftBetween(earlier: ArrayLike<number>, later: ArrayLike<number>): Shift {
  const n = earlier.length
  const m = later.length
  if (n === 0 || m === 0) throw new RangeError('shiftBetween needs at least one value on each side')
  const differences = new Float64Array(n * m)
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) differences[i * m + j] = later[j]! - earlier[i]!
  differences.sort()
  const count = differences.length
  const estimate = median(differences)
  // The interval runs from the k-th smallest difference to the k-th largest (k counted from 1).
  const k = Math.floor(count / 2 - Z_95 * Math.sqrt((n * m * (n + m + 1)) / 12))
  const rank = Math.min(Math.max(k, 1), Math.ceil(count / 2))
  return { estimate, low: differences[rank - 1]!, high: differences[count - rank]! }
}
