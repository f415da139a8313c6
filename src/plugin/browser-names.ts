// Names the page (browser-setup.ts) and the main process share, in a module that imports nothing:
// the page must not load the engine's Node modules.

/**
 * The browser commands the plugin adds (browser-command.ts), called through `commands` of
 * `vitest/browser`. Not `__vitest...`: Vitest keeps names with that prefix out of `commands`.
 */
export const CHECK_COMMAND = 'memoryBudgetCheck'
export const ABORT_COMMAND = 'memoryBudgetAbort'
export const TIMEOUT_COMMAND = 'memoryBudgetTimeout'

/** The key the main process provides the plugin's options under (inject). */
export const PROVIDE_KEY = 'vitest-memory-budget'
