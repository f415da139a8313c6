import type { BudgetFile, ResolvedBudget } from './budget.ts'
import { BudgetError } from './budget-errors.ts'
import { readBudgetFileCached } from './load-budget-file.ts'
import { resolveBudget } from './resolve-budget.ts'

export interface BudgetForRun {
  budget: ResolvedBudget
  /**
   * This run records budgets (`vitest -u`, not in CI): the check measures and reports as usual, and
   * passes whatever limit it broke, as a snapshot does under `-u`, unless it leaks (a leak is never
   * recorded as allowed); the main process writes the limits.
   */
  recording: boolean
  /** The file lacks this budget (or there is no file): it is measured as a new entry would be. */
  missing: boolean
}

/**
 * The matcher's way to a budget, aware of `vitest -u`. Without recording it is `resolveBudget`,
 * and a missing budget or budget file fails with how to record it. While recording, a budget the
 * file lacks (or a file that does not exist) is measured with what a new entry would get, the
 * file's `defaults` over the built-in defaults and the matcher's overrides, so the findings carry
 * the limits its next run will be judged by: the recorder writes the ones that were broken.
 *
 * @throws BudgetError as resolveBudget and readBudgetFileCached do; a malformed file is never
 * treated as missing.
 */
export function resolveBudgetForRun(budgetsPath: string, name: string, overrides: unknown, recording: boolean): BudgetForRun {
  let file: BudgetFile
  try {
    file = readBudgetFileCached(budgetsPath)
  } catch (error) {
    if (!(error instanceof BudgetError) || error.code !== 'fileMissing') throw error
    if (!recording) throw new BudgetError('fileMissing', { file: error.file ?? budgetsPath, recordHint: true }, { cause: error.cause })
    file = { path: error.file ?? budgetsPath, defaults: {}, budgets: {} }
  }
  if (!Object.hasOwn(file.budgets, name)) {
    if (!recording) {
      throw new BudgetError('unknownBudget', { file: file.path, name, known: Object.keys(file.budgets), recordHint: true })
    }
    // The cached file is frozen and shared: extend a copy.
    file = { ...file, budgets: { ...file.budgets, [name]: {} } }
    return { budget: resolveBudget(file, name, overrides), recording, missing: true }
  }
  return { budget: resolveBudget(file, name, overrides), recording, missing: false }
}
