import { fitRobustLine, type RobustLine } from './robust-line.ts'

/** How fast a series of post-GC readings grows, per cycle, with the evidence a verdict needs. */
export interface GrowthEstimate {
  /** Theil-Sen slope over all measured cycles, bytes per cycle. */
  perCycle: number
  /** 95% confidence bounds on perCycle. */
  low: number
  high: number
  /**
   * Slopes of the first and second half on their own. A leak grows in both halves; a one-off step
   * (JIT, a lazily built table) lands in one. A leak every k-th cycle still grows in both when
   * each half spans k cycles or more.
   */
  firstHalf: number
  secondHalf: number
  /** Readings fitted, one more than the cycles (the reading before the first cycle included). */
  points: number
}

export function estimateGrowth(readings: ArrayLike<number>, from: number, points: number): GrowthEstimate {
  const line: RobustLine = fitRobustLine(readings, from, points)
  const half = points >> 1
  return {
    perCycle: line.slope,
    low: line.slopeLow,
    high: line.slopeHigh,
    // The halves share their middle point so that together they cover every interval once.
    firstHalf: fitRobustLine(readings, from, half + 1).slope,
    secondHalf: fitRobustLine(readings, from + half, points - half).slope,
    points,
  }
}
