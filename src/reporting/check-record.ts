import type { Finding } from '../verdict/judge.ts'

/**
 * What one matcher call leaves in `task.meta` for the main process: plain JSON, the only thing that
 * crosses from worker to reporter. Every figure a report shows comes from here.
 */
export interface CheckRecord {
  matcher: 'toStayWithinMemoryBudget' | 'toLeakMemory'
  /** The budget's name; absent for toLeakMemory. */
  budget?: string
  budgetFile?: string
  cycles: number
  warmup: number
  /** Whether every limit held (independent of `.not`). */
  pass: boolean
  findings: Finding[]
  /** Candidate's retained overhead; budget checks only. */
  retained?: { bytes: number; uncertainty: number; source: string }
  /** Growth per cycle of each variant (baseline/candidate) or of the block. */
  growth: { baseline?: number; candidate?: number; block?: number }
  /** Post-GC readings, for reports and charts. */
  readings: { baseline?: number[]; candidate?: number[]; block?: number[] }
  durationMs: number
}

export const META_KEY = 'memoryBudget'

declare module 'vitest' {
  interface TaskMeta {
    memoryBudget?: CheckRecord[]
  }
}
