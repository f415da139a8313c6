/**
 * Theil-Sen line fitting: the median of all pairwise slopes. A JIT step or a GC hiccup moves a few
 * points; least squares follows them, the median does not (RESEARCH.md: 64 B/cycle resolution at
 * N=20 against 64 KB for least squares). Points are (i, ys[from + i]) for i in 0..count-1.
 */
export interface RobustLine {
  /** Median pairwise slope, in y units per step. */
  slope: number
  /** Sen's distribution-free 95% confidence bounds on the slope. */
  slopeLow: number
  slopeHigh: number
  /** Median of y - slope * i: the line's value at i = 0. */
  intercept: number
  /** Robust standard error of the line's level (MAD of residuals), for combining uncertainties. */
  levelError: number
  count: number
}

export const Z_95 = 1.959964
/** MAD to standard deviation, for normal noise. */
const MAD_TO_SD = 1.4826

export function fitRobustLine(ys: ArrayLike<number>, from = 0, count = ys.length - from): RobustLine {
  if (count < 2) throw new RangeError(`a line needs 2 points or more, got ${count}`)
  const pairs = (count * (count - 1)) / 2
  const slopes = new Float64Array(pairs)
  let k = 0
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) slopes[k++] = (ys[from + j]! - ys[from + i]!) / (j - i)
  }
  slopes.sort()
  const slope = median(slopes)

  // Sen (1968): the bounds are order statistics of the sorted slopes, offset by Kendall's S spread
  // (ranks as scipy.stats.theilslopes computes them, without the ties correction).
  const spread = Z_95 * Math.sqrt((count * (count - 1) * (2 * count + 5)) / 18)
  const lowRank = Math.max(0, Math.round((pairs - spread) / 2) - 1)
  const highRank = Math.min(pairs - 1, Math.round((pairs + spread) / 2))
  const residuals = new Float64Array(count)
  for (let i = 0; i < count; i++) residuals[i] = ys[from + i]! - slope * i
  residuals.sort()
  const intercept = median(residuals)
  for (let i = 0; i < count; i++) residuals[i] = Math.abs(residuals[i]! - intercept)
  residuals.sort()
  // The median's standard error is about 1.2533 sd / sqrt(n) for normal noise.
  const levelError = (1.2533 * MAD_TO_SD * median(residuals)) / Math.sqrt(count)

  return { slope, slopeLow: slopes[lowRank]!, slopeHigh: slopes[highRank]!, intercept, levelError, count }
}

/** The line's value at step i. */
export function lineAt(line: RobustLine, i: number): number {
  return line.intercept + line.slope * i
}

/** Median of a sorted array. */
export function median(sorted: Float64Array): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
