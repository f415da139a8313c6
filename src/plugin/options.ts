import path from 'node:path'

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
}

/** What the plugin hands every worker, through Vitest's `provide`/`inject`. */
export interface WorkerOptions {
  /** Absolute path of the budget file. */
  budgetsPath: string
  /** The project root: `sites.direct` globs are relative to it. */
  root: string
}

export const PROVIDE_KEY = 'vitest-memory-budget'

export function resolveWorkerOptions(options: MemoryBudgetOptions, root: string): WorkerOptions {
  return { budgetsPath: path.resolve(root, options.budgets ?? 'memory-budgets.json'), root: path.resolve(root) }
}
