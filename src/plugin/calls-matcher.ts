import { readFileSync } from 'node:fs'

/**
 * Whether a test file's own text calls a memory matcher: such a file gets the time checks need
 * (MemoryBudgetOptions.testTimeout). A check called through a helper module elsewhere keeps the
 * project's timeout, and its timeout message says how to give more.
 */
export function callsMemoryMatcher(file: string | undefined): boolean {
  if (!file) return false
  try {
    return /\b(toStayWithinMemoryBudget|toLeakMemory)\b/.test(readFileSync(file, 'utf8'))
  } catch {
    return false
  }
}
