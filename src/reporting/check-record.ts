import type { ResolvedBudget } from '../budgets/budget.ts'
import type { CheckOutcome } from '../checks/outcome.ts'
import type { GrowthEstimate } from '../engine/growth.ts'
import type { BudgetMeasurement, LeakMeasurement } from '../engine/measure.ts'
import type { ExplainedGroup } from '../engine/snapshots/analyse.ts'
import type { Finding } from '../verdict/judge.ts'

/** One variant's figures: post-GC readings, growth, and the objects it left behind when read. */
export interface VariantRecord {
  readings: number[]
  growth: GrowthEstimate
  objects?: { groups: ExplainedGroup[]; bytes: number }
}

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
  /** Warm-up asked for, and run (it runs on while V8 compiles). */
  warmup: number
  warmupRun: number
  /** Whether every limit held (independent of `.not`). */
  pass: boolean
  findings: Finding[]
  /** Candidate's retained overhead; budget checks only. From heap snapshots when they were read. */
  retained?: { bytes: number; uncertainty: number; source: 'heap statistics' | 'heap snapshots' }
  baseline?: VariantRecord
  candidate?: VariantRecord
  block?: VariantRecord
  /** Whether memlab explained the objects. */
  memlab?: string
  /** Wall time of the check, and its parts: snapshot writing is within the measurement. */
  durationMs: number
  timings: { measureMs: number; snapshotsMs: number; analysisMs: number }
}

export const META_KEY = 'memoryBudget'

declare module 'vitest' {
  interface TaskMeta {
    memoryBudget?: CheckRecord[]
  }
}

export function budgetRecord(budget: ResolvedBudget, outcome: CheckOutcome<BudgetMeasurement>): CheckRecord {
  const { measurement, verdict, evidence } = outcome
  const retainedFinding = verdict.findings.find((finding) => finding.key === 'retained')
  const fromSnapshots = evidence.candidate && evidence.baseline
  return {
    matcher: 'toStayWithinMemoryBudget',
    budget: budget.name,
    budgetFile: budget.file,
    ...common(outcome),
    retained: fromSnapshots
      ? { bytes: evidence.candidate!.bytes - evidence.baseline!.bytes, uncertainty: 0, source: 'heap snapshots' }
      : { bytes: measurement.retained.bytes, uncertainty: measurement.retained.uncertainty, source: retainedFinding?.source ?? 'heap statistics' },
    baseline: variant(measurement.baseline, evidence.baseline),
    candidate: variant(measurement.candidate, evidence.candidate),
  }
}

export function leakRecord(outcome: CheckOutcome<LeakMeasurement>): CheckRecord {
  return { matcher: 'toLeakMemory', ...common(outcome), block: variant(outcome.measurement.variant, outcome.evidence.block) }
}

function common(outcome: CheckOutcome<BudgetMeasurement | LeakMeasurement>) {
  const { measurement, verdict } = outcome
  return {
    cycles: measurement.cycles,
    warmup: measurement.warmup,
    warmupRun: measurement.warmupRun,
    pass: verdict.pass,
    findings: verdict.findings,
    ...(outcome.memlab && { memlab: outcome.memlab }),
    durationMs: measurement.durationMs + (outcome.analysisMs ?? 0),
    timings: { measureMs: measurement.durationMs, snapshotsMs: measurement.snapshotMs, analysisMs: outcome.analysisMs ?? 0 },
  }
}

function variant(measured: { readings: number[]; growth: GrowthEstimate }, objects?: { groups: ExplainedGroup[]; bytes: number }): VariantRecord {
  return { readings: measured.readings, growth: measured.growth, ...(objects && { objects: { groups: objects.groups, bytes: objects.bytes } }) }
}
