import type { RetainedEstimate } from '../engine/retained.ts'
import type { AllocationEvidence, ObjectEvidence, Verdict } from '../verdict/judge.ts'

/** What a check produced: its measurement, verdict and the object evidence behind it. */
export interface CheckOutcome<M> {
  measurement: M
  verdict: Verdict
  /** What each variant left behind, when heap snapshots were read. */
  evidence: ObjectEvidence
  analysisMs?: number
  /** The evidence comes from a second run, with heap snapshots, after the first. */
  secondRun?: boolean
  /**
   * A budget check's first run's retained figure, when a second run with heap snapshots is the one
   * reported: what it paid once, the second cannot see (judge.ts, retainedFinding).
   */
  firstRetained?: RetainedEstimate
  /** The check's other run, when there were two (`measurement` is one of them): its time counts in the check's. */
  otherRun?: RunTimes
  /** Why evidence is missing, when it is. */
  note?: string
  /** The allocation pass (budget checks). */
  allocations?: AllocationEvidence
}

export interface RunTimes {
  durationMs: number
  snapshotMs: number
}

/** A run's times, without the rest of its measurement. */
export function timesOf({ durationMs, snapshotMs }: RunTimes): RunTimes {
  return { durationMs, snapshotMs }
}

/** A check refused before it ran a cycle (a limit it cannot judge where it runs): its row says so, with no place in the cycles. */
export class CheckRefused extends Error {
  override name = 'Error'
}
