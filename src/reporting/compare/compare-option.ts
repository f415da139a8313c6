import path from 'node:path'
import { showValue } from '../../budgets/budget-errors.ts'
import { parseFailOn, type FailOn, type FailOnInput } from './fail-on.ts'

/** Names the base report in CI, where a workflow knows where it downloaded it: wins over the `compare` option. */
export const COMPARE_ENV = 'VITEST_MEMORY_BUDGET_COMPARE'

/** The plugin's `compare` and `failOn`, resolved: the base report's absolute path, and the limits. */
export interface ResolvedCompare {
  base: string
  /** As given (the environment variable's, or the option's), for messages. */
  shown: string
  failOn?: FailOn
}

/**
 * Checks the options when the plugin is created, so that a wrong one fails the config, not the end
 * of the run. @throws TypeError naming the option and what was expected.
 */
export function validateCompareOptions(compare: unknown, failOn: FailOnInput | undefined): FailOn | undefined {
  if (compare !== undefined && (typeof compare !== 'string' || compare.trim() === '')) {
    throw new TypeError(`vitest-memory-budget: the compare option must be the path of a base run's memory-report.json, such as 'base/memory-report.json', got ${showValue(compare)}`)
  }
  return failOn === undefined ? undefined : parseFailOn(failOn, (key) => `vitest-memory-budget: the failOn option${key ? `'s ${key}` : ''}`)
}

/** undefined when no base is named; paths relative to the Vitest root. */
export function resolveCompare(compare: string | undefined, failOn: FailOnInput | undefined, root: string, env: Record<string, string | undefined> = process.env): ResolvedCompare | undefined {
  const limits = validateCompareOptions(compare, failOn)
  const shown = env[COMPARE_ENV]?.trim() || compare
  if (shown === undefined) return undefined
  return { base: path.resolve(root, shown), shown, ...(limits && { failOn: limits }) }
}

/**
 * What to say when `failOn` is set and no base is named: a base path CI did not set turns the gate
 * off, which must be said, not silent. Undefined when there is nothing to say.
 */
export function failOnWithoutBase(failOn: FailOnInput | undefined, compare: ResolvedCompare | undefined): string | undefined {
  if (failOn === undefined || compare) return undefined
  return `vitest-memory-budget: no base report to compare with (neither the compare option nor ${COMPARE_ENV} names one): failOn checks nothing in this run.`
}
