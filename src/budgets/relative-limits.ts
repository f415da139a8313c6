import { showValue } from './budget-errors.ts'
import { parseSize, SIZE_EXPECTED } from './sizes.ts'

/**
 * Limits that may be a share of the baseline's own figure, measured in the same check:
 * `"allocated": "2%"`, or with a size, `{ "most": "600 kB", "share": "2%" }` (both must hold).
 *
 * Only keys whose baseline has a figure of its own take a share:
 * - `allocated`: the baseline's bytes allocated per cycle;
 * - `direct`: the same figure, the baseline's whole allocation per cycle (its own allocation in the
 *   feature's files is next to nothing, the feature being off): "the feature's own code may allocate
 *   1% of what the work allocates";
 * - `peak`: the baseline's typical cycle's peak above its start.
 * `retained` is already the candidate's extra over the baseline, and the baseline's heap is the whole
 * worker's (Vitest and every module loaded), no figure of the block's; `leak` is each variant's growth,
 * which a clean baseline does not have; `objects` counts are exact and small. They take no share.
 */
export const SHARE_KEYS = ['allocated', 'direct', 'peak'] as const
export type ShareKey = (typeof SHARE_KEYS)[number]

/** A limit of a share key, validated: bytes, or a share of the baseline's figure with an optional most. */
export type BaselineLimit = number | RelativeLimit

/** A share of the baseline's figure; with `most`, both must hold (the smaller decides). */
export interface RelativeLimit {
  /** Percent of the baseline's figure: 2 for `"2%"`. */
  share: number
  /** Bytes (per cycle, for allocated and direct) the figure may not pass whatever the share allows. */
  most?: number
}

/** What a share looks like, for messages. */
export const SHARE_EXPECTED = 'a share of the baseline\'s figure such as "2%"'
/** What a share key takes, for messages. */
export const LIMIT_EXPECTED = `${SIZE_EXPECTED}, ${SHARE_EXPECTED}, or both as { "most": "600 kB", "share": "2%" }`

/** A number without exponent, then `%`. Mirrored by `$defs.share` in budget.schema.json. */
const SHARE_STRING = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/

/** Is this a share as written in a budget (`"2%"`, `"0.5 %"`)? */
export function isShare(value: unknown): value is string {
  return typeof value === 'string' && SHARE_STRING.test(value)
}

/**
 * Percent from a share string.
 * @throws RangeError that echoes the input.
 * @example parseShare('2.5%') //=> 2.5
 */
export function parseShare(input: unknown): number {
  const match = typeof input === 'string' ? SHARE_STRING.exec(input) : null
  if (match === null) throw new RangeError(`expected ${SHARE_EXPECTED}, got ${showValue(input)}`)
  return Number(match[1])
}

/**
 * A share key's limit as written (a size, a share, or `{ most, share }`), validated: bytes, or a
 * RelativeLimit. `{ "most": "600 kB" }` alone is the size.
 *
 * @throws RangeError that echoes the input.
 * @example parseLimit('2%') //=> { share: 2 }
 * @example parseLimit({ most: '600 kB', share: '2%' }) //=> { share: 2, most: 600000 }
 */
export function parseLimit(input: unknown): BaselineLimit {
  if (isShare(input)) return { share: parseShare(input) }
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const { most, share } = input as { most?: number | string; share?: unknown }
    if (share === undefined && most !== undefined) return parseSize(most)
    if (share !== undefined) return { share: parseShare(share), ...(most !== undefined && { most: parseSize(most) }) }
  }
  if (typeof input === 'number' || typeof input === 'string') {
    try {
      return parseSize(input)
    } catch {
      // Falls through to the message naming every form.
    }
  }
  throw new RangeError(`expected ${LIMIT_EXPECTED}, got ${showValue(input)}`)
}

/**
 * Why a share written for a key that takes none is refused, after the usual "expected ..., got ...".
 * Undefined for the keys that take one, and for keys where a share would be no one's guess.
 */
export function shareRefusal(key: string): string | undefined {
  const reason = REFUSALS[key]
  return reason === undefined ? undefined : `${reason}; shares are for allocated, direct and peak`
}

const REFUSALS: Readonly<Record<string, string>> = {
  retained: "retained takes no share, being already the candidate's extra over the baseline (whose own heap is the whole worker's)",
  leak: "leak takes no share, being each variant's own growth per cycle (a clean baseline has none)",
  objects: 'object counts take no share',
}

/**
 * A percent as shown: up to 3 significant digits, no trailing zeros.
 * @example formatPercent(2) //=> '2%'
 * @example formatPercent(6.4000000001) //=> '6.4%'
 */
export function formatPercent(percent: number): string {
  return `${Number(percent.toPrecision(3))}%`
}
