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
  /** Cycles left out of the fit because V8 compiled code in them and the growth was no more than that. */
  compilingCycles: number
}

/**
 * A cycle in which code or bytecode changed also changed V8's own tables in the data spaces
 * (feedback, deoptimisation data), by a fraction of the code it compiled (0.2-0.3 in the
 * fixtures): such an interval's growth is V8's, and the estimate is fitted to the series rebuilt
 * from the other intervals' growth. Growth beyond the code compiled is not V8's bookkeeping (a
 * block that keeps a `new Function` a cycle compiles and leaks at once), so it stays. When
 * compilation touched more than half the cycles, too little is left: all intervals are used, and
 * the halves test has to tell compilation from leaks.
 */
export function estimateGrowth(series: HeapSeries, from: number, points: number, callsPerReading = 1): GrowthEstimate {
  const intervals = points - 1
  const kept = new Float64Array(points)
  let count = 1
  for (let i = 1; i <= intervals; i++) {
    const dataGrowth = series.data[from + i]! - series.data[from + i - 1]!
    const codeChange = Math.abs(series.code[from + i]! - series.code[from + i - 1]!)
    if (codeChange > 0 && dataGrowth <= codeChange) continue
    kept[count] = kept[count - 1]! + dataGrowth
    count++
  }
  const compilingCycles = intervals - (count - 1)
  const useKept = count - 1 >= Math.max(4, intervals / 2)
  const ys = useKept ? kept : series.data
  const start = useKept ? 0 : from
  const length = useKept ? count : points

  const line = fitRobustLine(ys, start, length)
  const half = length >> 1
  // Slopes per reading, given per call.
  const k = callsPerReading
  return {
    perCycle: line.slope / k,
    low: line.slopeLow / k,
    high: line.slopeHigh / k,
    // The halves share their middle point so that together they cover every interval once.
    firstHalf: fitRobustLine(ys, start, half + 1).slope / k,
    secondHalf: fitRobustLine(ys, start + half, length - half).slope / k,
    cycles: intervals * k,
    compilingCycles: compilingCycles * k,
  }
}
