import { createRequire } from 'node:module'

/**
 * The timers and the clock the tool itself waits on, taken once, when this module is first
 * evaluated (the plugin's setup file runs before any test code). The user's code may replace what
 * the tool would otherwise look up at call time: `vi.useFakeTimers()` swaps the global timers, the
 * global `performance` and the methods of the `node:timers` module itself; a test may assign
 * `globalThis.setImmediate`; `vi.mock('node:timers')` replaces the module for every import that goes
 * through Vitest. A check settling on a fake `setImmediate` never resumes, and a fake clock reads 0.
 * Node's own `require` is never intercepted by Vitest's mocks, so the references here are Node's.
 */
const nodeRequire = createRequire(import.meta.url)
const timers = nodeRequire('node:timers') as typeof import('node:timers')
const perfHooks = nodeRequire('node:perf_hooks') as typeof import('node:perf_hooks')

export const ownSetImmediate: typeof setImmediate = timers.setImmediate
export const ownSetTimeout: typeof setTimeout = timers.setTimeout
export const ownClearTimeout: typeof clearTimeout = timers.clearTimeout
const realPerformance = perfHooks.performance
/** Milliseconds on Node's monotonic clock, whatever the test has done to `performance` or `Date`. */
export const now: () => number = realPerformance.now.bind(realPerformance)
