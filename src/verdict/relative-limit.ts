import type { BaselineLimit } from '../budgets/relative-limits.ts'

/** A limit that was a share of the baseline's figure, as the finding keeps it so that messages can say it. */
export interface ShareOfBaseline {
  /** Percent, as written: 2 for `"2%"`. */
  share: number
  /** The baseline's figure the share is of, in the finding's unit (bytes per cycle, or bytes for peak). */
  baseline: number
  /** The size written beside the share, when there was one: both must hold. */
  most?: number
}

/** A limit in bytes, and the share it came from when it was one. */
export interface LimitInBytes {
  bytes: number
  relative?: ShareOfBaseline
}

/**
 * The limit in bytes for this check: a size as it is; a share times the baseline's figure in the
 * same check (a negative figure, which no baseline measures, counts as 0); with `most` too, the
 * smaller of the two, since both must hold.
 *
 * The limit's own noise (the share times the baseline's, a fiftieth of it at 2%) is left out: the
 * extra it is compared with already carries the baseline's noise in full.
 *
 * @example limitInBytes({ share: 2 }, 102_000) //=> { bytes: 2040, relative: { share: 2, baseline: 102000 } }
 */
export function limitInBytes(limit: BaselineLimit, baseline: number): LimitInBytes {
  if (typeof limit === 'number') return { bytes: limit }
  const ofBaseline = (limit.share / 100) * Math.max(0, baseline)
  return {
    bytes: limit.most === undefined ? ofBaseline : Math.min(limit.most, ofBaseline),
    relative: { share: limit.share, baseline, ...(limit.most !== undefined && { most: limit.most }) },
  }
}
