import path from 'node:path'
import { resolveHeadroom, type HeadroomRule, type RecordOptions } from '../budgets/record-budget.ts'
import type { ReportOption } from '../reporting/report-options.ts'
import { parseSize } from '../budgets/sizes.ts'
import type { FailOnInput } from '../reporting/compare/fail-on.ts'

/** Options of `memoryBudget()`. */
export interface MemoryBudgetOptions {
  /**
   * The budget file, relative to the project root.
   * @default 'memory-budgets.json'
   */
  budgets?: string
  /**
   * Print the table of every check at the end of the run.
   * @default true
   */
  summary?: boolean
  /**
   * Write `memory-report.md`, `memory-report.json` and a chart per check after the run, into `dir`
   * under the project root; `false` writes none.
   * @default { dir: 'memory-report' }
   */
  report?: ReportOption
  /** How `vitest -u` records budgets: the headroom above each measurement. */
  record?: RecordOptions
  /**
   * The test timeout, in milliseconds, of test files that call a memory matcher, when the project
   * keeps Vitest's default of 5 s: a check runs its block dozens of times, most with a full GC after,
   * which a loaded CI machine cannot always do in 5 s. A timeout the project sets itself (other than
   * 5 s), or one given to a test, is kept. `false` leaves every timeout as it is.
   * @default 60_000
   */
  testTimeout?: number | false
  /**
   * The largest worker heap that heap snapshots are written of, as a size (`'500 MB'`) or bytes.
   * Writing one takes about 0.1-0.15 s per MB of heap, and reading it as long again, two or three
   * times per check: over the limit, a budget that sets `objects` fails saying so, and other checks
   * say that objects were not read. Raise it with the test's timeout to have objects named in large
   * workers.
   * @default '150 MB'
   */
  snapshotHeapLimit?: string | number
  /**
   * A base run's `memory-report.json` (the main branch's, kept as a CI artifact) to compare this run
   * with, relative to the Vitest root: the table gains a column of what changed beyond noise, the
   * report a "Changes since base" section and `comparison`. The environment variable
   * `VITEST_MEMORY_BUDGET_COMPARE` names it too, and wins. A base that cannot be read is said in one
   * line, and the run goes on without a comparison.
   */
  compare?: string
  /**
   * With a base (`compare`), fails the run when a figure grew since the base beyond noise by more
   * than its limit: a share of the base's figure, or an amount (a size; a count for `objects`).
   * A decrease never fails, nor does a change across Node, V8 or another environment difference.
   * @example { allocated: '10%', retained: '4 kB', peak: '10%' }
   */
  failOn?: FailOnInput
}

/** Vitest's default test timeout in the Node environments. */
export const VITEST_DEFAULT_TEST_TIMEOUT = 5_000

/** Vitest's default test timeout in browser mode. */
export const VITEST_BROWSER_TEST_TIMEOUT = 15_000

/** The timeout files with memory checks get, unless the project sets one. */
export const MEMORY_TEST_TIMEOUT = 60_000

/** What the plugin hands every worker, through Vitest's `provide`/`inject`. */
export interface WorkerOptions {
  /** Absolute path of the budget file. */
  budgetsPath: string
  /** The project root: `sites.direct` globs are relative to it. */
  root: string
  /**
   * This run records budgets (`vitest -u`, not in CI): budget checks pass whatever limit they broke,
   * unless they leak, and missing budgets are measured, for the main process to write.
   */
  recording?: boolean
  /**
   * The headroom `vitest -u` records with: a check that leaks under `-u` names the `leak` limit that
   * would allow it, by the same rule as the main process records the rest.
   */
  headroom?: HeadroomRule
  /** The test timeout of files that call a memory matcher (MemoryBudgetOptions.testTimeout), when raised. */
  testTimeout?: number
  /** MemoryBudgetOptions.snapshotHeapLimit in bytes, when set. */
  snapshotHeapLimit?: number
}

export { PROVIDE_KEY } from './browser-names.ts'

/** Throws, when the plugin is created, on a testTimeout that is neither a positive number nor false. */
export function validateTestTimeout(value: unknown): void {
  if (value === undefined || value === false) return
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return
  throw new TypeError(
    `vitest-memory-budget: the testTimeout option must be a positive number of milliseconds or false, got ${JSON.stringify(value) ?? String(value)}`,
  )
}

/** Bytes from the snapshotHeapLimit option; throws, when the plugin is created, on what is not a size. */
export function resolveSnapshotHeapLimit(value: unknown): number | undefined {
  if (value === undefined) return undefined
  try {
    return parseSize(value as string | number)
  } catch (error) {
    throw new TypeError(`vitest-memory-budget: the snapshotHeapLimit option must be a size, such as '500 MB', or a number of bytes: ${(error as Error).message}`)
  }
}

/**
 * `projectTimeout`: the project's resolved test timeout, which a raised one never lowers; it is
 * raised only when it is Vitest's default for the project's mode (`browser`: 15 s, not 5 s).
 */
export function resolveWorkerOptions(options: MemoryBudgetOptions, root: string, projectTimeout = VITEST_DEFAULT_TEST_TIMEOUT, browser = false): WorkerOptions {
  const wanted = options.testTimeout ?? MEMORY_TEST_TIMEOUT
  const modeDefault = browser ? VITEST_BROWSER_TEST_TIMEOUT : VITEST_DEFAULT_TEST_TIMEOUT
  const raise = wanted !== false && projectTimeout === modeDefault && wanted > projectTimeout
  return {
    budgetsPath: path.resolve(root, options.budgets ?? 'memory-budgets.json'),
    root: path.resolve(root),
    headroom: resolveHeadroom(options.record?.headroom),
    ...(raise && { testTimeout: wanted }),
    ...(options.snapshotHeapLimit !== undefined && { snapshotHeapLimit: resolveSnapshotHeapLimit(options.snapshotHeapLimit)! }),
  }
}
