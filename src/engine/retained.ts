import { fitRobustLine, lineAt, Z_95, type RobustLine } from './robust-line.ts'

/** Memory the candidate holds after its cycles beyond what the baseline holds after as many. */
export interface RetainedEstimate {
  /** One-time cost plus what accumulated over the candidate's cycles, in bytes. */
  bytes: number
  /** Half-width of a 95% interval around bytes. */
  uncertainty: number
  /** Where the figure comes from: post-GC heap statistics now, heap snapshot diffs later. */
  source: 'heap-statistics'
}

/**
 * The readings hold the baseline's N+1 points from `baselineStart` (before its first cycle to after
 * its last) and the candidate's `candidate.points` from `candidate.start` up to after its last cycle.
 * The baseline's own trend is what the workload costs anyway, over the `trendCycles` the candidate
 * ran (its warm-up and measured cycles); the candidate's end level beyond the baseline's, less that
 * trend, is the feature's. Levels come from robust line fits, not single readings, so one noisy cycle
 * cannot swing the figure.
 */
export function estimateRetained(
  readings: ArrayLike<number>,
  baselineStart: number,
  candidate: { start: number; points: number },
  cycles: number,
  trendCycles = cycles,
): RetainedEstimate {
  const baselineLine = fitRobustLine(readings, baselineStart, cycles + 1)
  const candidateLine = fitRobustLine(readings, candidate.start, candidate.points)
  const baselineEnd = lineAt(baselineLine, cycles)
  const candidateEnd = lineAt(candidateLine, candidate.points - 1)
  const bytes = candidateEnd - baselineEnd - baselineLine.slope * trendCycles

  // The end levels are projections along fitted slopes: their slopes' errors widen them.
  const spread = Math.sqrt(
    candidateLine.levelError ** 2 +
      ((candidate.points - 1) * slopeError(candidateLine)) ** 2 +
      baselineLine.levelError ** 2 +
      ((cycles + trendCycles) * slopeError(baselineLine)) ** 2,
  )
  return { bytes, uncertainty: Z_95 * spread, source: 'heap-statistics' }
}

/** Standard error of a slope, from its 95% bounds. */
function slopeError(line: RobustLine): number {
  return (line.slopeHigh - line.slopeLow) / (2 * Z_95)
}
