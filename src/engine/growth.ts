import type { HeapSeries } from './heap-reading.ts'
import { fitRobustLine } from './robust-line.ts'

/** How fast a series of post-GC readings grows, per cycle, with the evidence a verdict needs. */
export interface GrowthEstimate {
  /** Theil-Sen slope over the measured cycles, bytes per cycle. */
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
  /** Cycles measured. */
  cycles: number
  /** Cycles during which V8 compiled code: their growth is V8's, so they are left out of the fit. */
  compilingCycles: number
}

/**
 * A cycle in which code or bytecode changed also changed V8's own tables in the data spaces
 * (feedback, deoptimisation data): that interval's growth is not the block's. The estimate is
 * fitted to the series rebuilt from the other intervals' growth. When compilation touched more
 * than half the cycles, too little is left: all intervals are used, and the halves test has to
 * tell compilation from leaks.
 */
export function estimateGrowth(series: HeapSeries, from: number, points: number): GrowthEstimate {
  const intervals = points - 1
  const kept = new Float64Array(points)
  let count = 1
  for (let i = 1; i <= intervals; i++) {
    if (series.code[from + i] !== series.code[from + i - 1]) continue
    kept[count] = kept[count - 1]! + series.data[from + i]! - series.data[from + i - 1]!
    count++
  }
  const compilingCycles = intervals - (count - 1)
  const useKept = count - 1 >= Math.max(4, intervals / 2)
  const ys = useKept ? kept : series.data
  const start = useKept ? 0 : from
  const length = useKept ? count : points

  const line = fitRobustLine(ys, start, length)
  const half = length >> 1
  return {
    perCycle: line.slope,
    low: line.slopeLow,
    high: line.slopeHigh,
    // The halves share their middle point so that together they cover every interval once.
    firstHalf: fitRobustLine(ys, start, half + 1).slope,
    secondHalf: fitRobustLine(ys, start + half, length - half).slope,
    cycles: intervals,
    compilingCycles,
  }
}
