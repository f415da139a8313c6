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
 * The readings hold, from `start`: the baseline's N+1 points (before its first cycle to after its
 * last), then the candidate's N points. The baseline's own trend over N cycles is what the workload
 * costs anyway; the candidate's end level beyond the baseline's, less that trend, is the feature's.
 * Levels come from robust line fits, not single readings, so one noisy cycle cannot swing the figure.
 */
export function estimateRetained(readings: ArrayLike<number>, start: number, cycles: number): RetainedEstimate {
  const baseline = fitRobustLine(readings, start, cycles + 1)
  // The candidate's fit starts after its first cycle: the step into it is the one-time cost, not a trend.
  const candidate = fitRobustLine(readings, start + cycles + 1, cycles)
  const baselineStart = lineAt(baseline, 0)
  const baselineEnd = lineAt(baseline, cycles)
  const candidateEnd = lineAt(candidate, cycles - 1)
  const bytes = candidateEnd - baselineEnd - (baselineEnd - baselineStart)

  // The end levels are projections along fitted slopes: their slopes' errors widen them.
  const spread = Math.sqrt(
    candidate.levelError ** 2 +
      ((cycles - 1) * slopeError(candidate)) ** 2 +
      baseline.levelError ** 2 +
      (2 * cycles * slopeError(baseline)) ** 2,
  )
  return { bytes, uncertainty: Z_95 * spread, source: 'heap-statistics' }
}

/** Standard error of a slope, from its 95% bounds. */
function slopeError(line: RobustLine): number {
  return (line.slopeHigh - line.slopeLow) / (2 * Z_95)
}
