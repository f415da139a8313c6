import { inspect, types } from 'node:util'
import { CheckProgress, describeCycle } from './progress.ts'

/**
 * What a block throws fails its check. An Error does so as it is: its message and stack are the
 * user's. Anything else (`throw undefined`, `Promise.reject('nope')`) carries no stack and, shown
 * as it is, fails the test with a bare `undefined`: it is wrapped in a BlockThrewNonError that
 * knows the cycle, for the check's caller to word with describeThrow.
 */
export class BlockThrewNonError extends Error {
  override name = 'BlockThrewNonError'
  /** What the block threw, or its promise rejected with. */
  readonly value: unknown
  /** true when the block returned a promise (or thenable) that rejected, false when it threw. */
  readonly rejected: boolean
  /** A copy of the check's progress when it was thrown. */
  readonly at: CheckProgress

  constructor(value: unknown, rejected: boolean, at: CheckProgress) {
    super(`${subject(rejected)} ${describeThrown(value)}`, { cause: value })
    this.value = value
    this.rejected = rejected
    this.at = at
  }
}

/**
 * What a loop rethrows for what the block threw: an Error unchanged (from any realm: vm pools run
 * tests in contexts of their own), anything else wrapped with where it happened. Runs only on the
 * failure path: the copy of the progress is made here, not in the measured cycles.
 */
export function blockFailure(thrown: unknown, progress: CheckProgress, rejected: boolean): unknown {
  if (types.isNativeError(thrown) || thrown instanceof Error) return thrown
  return new BlockThrewNonError(thrown, rejected, Object.assign(new CheckProgress(), progress))
}

/**
 * `the block threw undefined in baseline cycle 3 of 20 ({ enabled: false, cycle: 23 }), not an Error: …`:
 * the value, the cycle (describeCycle), and why it says no more.
 */
export function describeThrow(failure: BlockThrewNonError, kind: 'budget' | 'leak', cycles: number): string {
  return (
    `${subject(failure.rejected)} ${describeThrown(failure.value)} in ${describeCycle(failure.at, kind, cycles)}, ` +
    "not an Error: only an Error has a stack that says where it came from. The value is this error's cause."
  )
}

function subject(rejected: boolean): string {
  return rejected ? "the block's promise rejected with" : 'the block threw'
}

/** Longest shown of a thrown string or object. */
const MAX_SHOWN = 120

/** `undefined`, `null`, `the string "boom"`, `the number 42`, `an object { code: 42 }`. */
export function describeThrown(value: unknown): string {
  if (value === undefined || value === null) return String(value)
  switch (typeof value) {
    case 'string':
      return `the string ${clip(JSON.stringify(value))}`
    case 'number':
    case 'boolean':
    case 'symbol':
      return `the ${typeof value} ${String(value)}`
    case 'bigint':
      return `the bigint ${value}n`
    case 'function':
      return value.name ? `the function ${value.name}` : 'a function'
  }
  let shown: string
  try {
    shown = inspect(value, { depth: 2, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 10, maxStringLength: MAX_SHOWN })
  } catch {
    shown = '' // a proxy that throws on inspection
  }
  return `${Array.isArray(value) ? 'an array' : 'an object'}${shown && ` ${clip(shown)}`}`
}

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text
}
