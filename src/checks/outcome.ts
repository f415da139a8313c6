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
  /** Time the runs before `measurement` took, when it is a second run's: counted into the check's time. */
  earlierRunsMs?: number
  /** Why evidence is missing, when it is. */
  note?: string
  /** The allocation pass (budget checks). */
  allocations?: AllocationEvidence
}
