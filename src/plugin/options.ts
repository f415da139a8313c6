import path from 'node:path'
import type { RecordOptions } from '../budgets/record-budget.ts'
import type { ReportOption } from '../reporting/report-options.ts'

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
}

/** What the plugin hands every worker, through Vitest's `provide`/`inject`. */
export interface WorkerOptions {
  /** Absolute path of the budget file. */
  budgetsPath: string
  /** The project root: `sites.direct` globs are relative to it. */
  root: string
  /**
   * This run records budgets (`vitest -u`, not in CI): budget checks pass whatever their verdict and
   * missing budgets are measured, for the main process to write.
   */
  recording?: boolean
}

export const PROVIDE_KEY = 'vitest-memory-budget'

export function resolveWorkerOptions(options: MemoryBudgetOptions, root: string): WorkerOptions {
  return { budgetsPath: path.resolve(root, options.budgets ?? 'memory-budgets.json'), root: path.resolve(root) }
}
