import { nearest, showValue } from '../../budgets/budget-errors.ts'
import { parseSize, SIZE_EXPECTED } from '../../budgets/sizes.ts'
import type { FigureComparison } from './comparison.ts'
import type { FigureKey } from './figures.ts'

/**
 * How much a figure may grow since the base before the comparison fails, as a share of the base's
 * figure or as an amount: `{ allocated: '10%', retained: '4 kB', peak: '10%' }`. The CLI's
 * `--fail-on allocated=10%,retained=4kB` and the plugin's `failOn` option are read by the same parser.
 * Sizes are read as budgets read them (`600 kB`, `1.5 MiB`, a number of bytes); `objects` takes a
 * count. Only an increase beyond noise can fail: a pull request that changes nothing never does.
 */
export type FailOnInput = Partial<Record<FigureKey, string | number>>

export interface FailOnLimit {
  /** share: of the base's figure, `value` a fraction; amount: bytes (per cycle for leak, allocated, direct) or objects. */
  kind: 'share' | 'amount'
  value: number
  /** As given, for messages: `10%`, `4 kB`. */
  text: string
}

export type FailOn = Partial<Record<FigureKey, FailOnLimit>>

const KEYS: readonly FigureKey[] = ['retained', 'leak', 'allocated', 'direct', 'peak', 'objects']
const SHARE = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/
const COUNT = /^\s*\d+\s*$/

/**
 * @param label how a key is named in messages: `failOn.allocated` for the option, `--fail-on allocated` for the CLI.
 * @throws TypeError naming the key and what was expected, for an unknown key or a value that is not a limit.
 * @example parseFailOn({ allocated: '10%', retained: '4 kB' }) //=> { allocated: { kind: 'share', value: 0.1, text: '10%' }, retained: { kind: 'amount', value: 4000, text: '4 kB' } }
 */
export function parseFailOn(input: unknown, label: (key: string) => string = (key) => `failOn.${key}`): FailOn {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`${label('').replace(/\.$/, '')}: expected limits such as { allocated: '10%', retained: '4 kB' }, got ${showValue(input)}`)
  }
  const failOn: FailOn = {}
  for (const [key, value] of Object.entries(input)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      const guess = nearest(key, KEYS)
      throw new TypeError(`${label(key)}: not a figure a comparison reads; ${guess === undefined ? `expected one of ${KEYS.join(', ')}` : `did you mean ${guess}?`}`)
    }
    failOn[key as FigureKey] = parseLimit(key as FigureKey, value, label)
  }
  return failOn
}

/**
 * The CLI's form: `allocated=10%,retained=4kB,peak=10%`.
 * @throws TypeError for a pair without `=`, or as parseFailOn does.
 */
export function parseFailOnFlag(text: string): FailOn {
  const input: Record<string, string> = {}
  for (const pair of text.split(',')) {
    const [key, value, ...rest] = pair.split('=')
    if (value === undefined || rest.length > 0 || key!.trim() === '' || value.trim() === '') {
      throw new TypeError(`--fail-on: expected figure=limit pairs separated by commas, such as allocated=10%,retained=4kB, got ${showValue(text)}`)
    }
    const figure = key!.trim()
    // The last would win: a limit given twice is a mistake to point at, not to guess.
    if (Object.hasOwn(input, figure)) throw new TypeError(`--fail-on ${figure}: given twice (${input[figure]} and ${value.trim()}); give each figure once`)
    input[figure] = value.trim()
  }
  return parseFailOn(input, (key) => `--fail-on ${key}`)
}

function parseLimit(key: FigureKey, value: unknown, label: (key: string) => string): FailOnLimit {
  const share = typeof value === 'string' ? SHARE.exec(value) : null
  if (share) return { kind: 'share', value: Number(share[1]) / 100, text: `${Number(share[1])}%` }
  const amount = key === 'objects' ? 'a count of objects such as 5' : SIZE_EXPECTED
  const refuse = () => new TypeError(`${label(key)}: expected a share of the base's figure such as 10%, or ${amount}; got ${showValue(value)}`)
  if (key === 'objects') {
    const count = typeof value === 'number' ? value : typeof value === 'string' && COUNT.test(value) ? Number(value) : Number.NaN
    if (!Number.isInteger(count) || count < 0) throw refuse()
    return { kind: 'amount', value: count, text: String(count) }
  }
  if (typeof value !== 'number' && typeof value !== 'string') throw refuse()
  try {
    const bytes = parseSize(value)
    return { kind: 'amount', value: bytes, text: typeof value === 'number' ? `${value} B` : value.trim() }
  } catch {
    throw refuse()
  }
}

/**
 * An increase beyond noise (never a decrease, never noise) that is beyond the limit: by more than its
 * amount, or by more than its share of the base's figure. A share of a base of 0 is exceeded by any
 * increase beyond noise: there is no figure to take a share of.
 */
export function exceeds(limit: FailOnLimit, figure: FigureComparison): boolean {
  if (figure.change !== 'increased') return false
  if (limit.kind === 'amount') return figure.delta > limit.value
  return figure.relative === null || figure.relative > limit.value
}
