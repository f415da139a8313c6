import prettyBytes from 'pretty-bytes'
import { showValue } from './budget-errors.ts'

/** What a size looks like, for messages: `expected ${SIZE_EXPECTED}, got ...`. */
export const SIZE_EXPECTED = 'a size such as 600 kB, 1.5 MiB or 512 (bytes)'

/**
 * Bytes per unit, keyed by the unit in lower case: units match whatever their case.
 *
 * Bits: `Mb`, `mb` and `Gb` are read as megabytes and gigabytes, not megabits. Nobody budgets memory in
 * bits, `KB` and `kb` are accepted as kilobytes anyway, and a rule that took `kb` but refused `mb`
 * would be arbitrary. Units that spell out bits (`bit`, `kbit`, `Mbit`, ...) are refused, with a hint.
 */
const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
}

/** A number without exponent, then an optional unit. Mirrored by `$defs.size` in budget.schema.json. */
const SIZE_STRING = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i
const BIT_UNIT = /^[kmg]?i?bits?$/i

/**
 * Whole bytes from a number of bytes or a string such as `"600 kB"`, `"1.5 MiB"` or `"512"`,
 * rounded to the nearest byte.
 *
 * @throws RangeError that echoes the input, for a negative or non-finite number or an unknown string.
 * @example
 * parseSize('1.5 MiB') //=> 1572864
 * parseSize('12 parsecs') // RangeError: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "12 parsecs"
 */
export function parseSize(input: number | string): number {
  const bytes = typeof input === 'number' ? input : typeof input === 'string' ? bytesOf(input) : Number.NaN
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`expected ${SIZE_EXPECTED}, got ${showValue(input)}${bitsHint(input)}`)
  return Math.round(bytes) || 0 // `|| 0` turns -0 into 0
}

/** `: sizes are in bytes, not bits` for a size written in bits (`"8 Mbit"`), to follow a message; '' otherwise. */
export function bitsHint(input: unknown): string {
  return typeof input === 'string' && BIT_UNIT.test(SIZE_STRING.exec(input)?.[2] ?? '') ? ': sizes are in bytes, not bits' : ''
}

/** Bytes in a size string, or NaN when it is not one. */
function bytesOf(input: string): number {
  const match = SIZE_STRING.exec(input)
  if (match === null) return Number.NaN
  const unit = (match[2] ?? '').toLowerCase()
  const perUnit = unit === '' ? 1 : UNITS[unit]
  return perUnit === undefined ? Number.NaN : Number(match[1]) * perUnit
}

/**
 * Every size shown to a person goes through here: pretty-bytes, SI units, a sign when negative.
 * @example formatSize(600_000) //=> '600 kB'
 */
export function formatSize(bytes: number): string {
  return prettyBytes(bytes)
}

/**
 * A difference, always signed; zero has no sign.
 * @example formatSignedSize(112_000) //=> '+112 kB'
 */
export function formatSignedSize(bytes: number): string {
  // pretty-bytes pads zero with a space for column alignment, which reads oddly inside a sentence.
  return bytes === 0 ? formatSize(0) : prettyBytes(bytes, { signed: true })
}

/**
 * Growth per cycle.
 * @example formatRate(2100) //=> '2.1 kB/cycle'
 */
export function formatRate(bytesPerCycle: number): string {
  return `${formatSize(bytesPerCycle)}/cycle`
}
