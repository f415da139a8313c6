import path from 'node:path'
import type { ResolvedBudget } from '../budgets/budget.ts'
import type { CheckOutcome } from '../checks/outcome.ts'
import type { GrowthEstimate } from '../engine/growth.ts'
import type { BudgetMeasurement, LeakMeasurement } from '../engine/measure.ts'
import type { ExplainedGroup } from '../engine/snapshots/analyse.ts'
import { paidOnceBeyondNoise, type Finding } from '../verdict/judge.ts'

/** One variant's figures: post-GC readings, growth, and the objects it left behind when read. */
export interface VariantRecord {
  readings: number[]
  growth: GrowthEstimate
  objects?: { groups: ExplainedGroup[]; bytes: number }
}

/** One allocating function of the candidate's extra, as reports show it. */
export interface SiteRecord {
  functionName: string
  /** Relative to the project root when inside it; '' for built-ins. */
  file: string
  /** 1-based line where the function starts (V8 attributes allocation to functions, not lines). */
  line: number
  kind: 'code' | 'package' | 'built-in'
  package?: string
  bytesPerCycle: number
  share: number
}

export interface VariantAllocations {
  bytesPerCycle: number
  /** Highest used heap over all the variant's cycles, and that less the heap before its first; absent in browser mode, with the other heights. */
  peak?: number
  peakAboveStart?: number
  /** The median cycle's peak above that cycle's start. */
  cyclePeak?: number
}

/** The allocation pass's figures (budget checks). */
export interface AllocationRecord {
  /** Bytes allocated per cycle, garbage included, and peak heap, per variant. */
  baseline: VariantAllocations
  candidate: VariantAllocations
  extraBytesPerCycle: number
  /** How much higher the candidate's heap goes in a typical cycle, with its 95% interval; absent in browser mode, which sees no GC-by-GC heights. */
  extraPeak?: number
  extraPeakRange?: { low: number; high: number }
  /** Top sites of the candidate's extra allocation. */
  sites: SiteRecord[]
  /** The extra split by the budget's `sites.direct` globs, when it has some. */
  direct?: { bytesPerCycle: number; indirect: Array<{ name: string; bytesPerCycle: number }> }
  samplingInterval: number
  durationMs: number
}

/** Sites a record keeps. */
const RECORDED_SITES = 10

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
  /** Warm-up the candidate ran (enabled) between the variants; budget checks only. */
  candidateWarmupRun?: number
  /** Calls of the block between two readings, when more than one: `readings` then hold one every that many cycles. */
  callsPerReading?: number
  /** Whether every limit held (independent of `.not`). */
  pass: boolean
  findings: Finding[]
  /** Candidate's retained overhead; budget checks only. From heap snapshots when they were read. */
  retained?: {
    bytes: number
    uncertainty: number
    source: 'heap statistics' | 'heap snapshots'
    /** Bytes of it a first run paid once and its second run, with heap snapshots, did not (judge.ts). */
    paidOnce?: number
  }
  baseline?: VariantRecord
  candidate?: VariantRecord
  block?: VariantRecord
  /** Allocation volume, sites and peak; budget checks only. */
  allocations?: AllocationRecord
  /** Wall time of the check, and its parts: snapshot writing is within the measurement. */
  durationMs: number
  timings: { measureMs: number; snapshotsMs: number; analysisMs: number; allocationMs: number }
  /**
   * The attempt of its test that made the check: Vitest's `retryCount` (counted over the whole
   * test, across repeats) and `repeatCount`, both 0 on a test's first run.
   */
  attempt?: CheckAttempt
  /** Set when the check stopped before its verdict: it has no figures then. */
  cut?: CheckCut
  /**
   * What the check left out, passing or not, and why: `objects not read: the worker's heap holds
   * 181 MB, over the 150 MB that heap snapshots are taken of (...)`.
   */
  skipped?: string
  /** The browser whose page the check measured (browser mode), e.g. `Chromium 156.0.7632.45`; absent in Node. */
  browser?: string
}

export interface CheckAttempt {
  retry: number
  repeat: number
}

/** A check that ended without a verdict, and where it was when it did. */
export interface CheckCut {
  verdict: 'timed out' | 'aborted'
  /** Why, in a few words: `the test timed out`, `not awaited: its test ended first`, `error: boom`. */
  reason: string
  /**
   * Where the check was: `candidate cycle 3 of 5 ({ enabled: true, cycle: 7 }), whose block's
   * promise had not settled`; empty when it never started (refused).
   */
  where: string
}

/** What a check came to: a verdict on its limits, or the way it was cut short. */
export type CheckVerdict = 'within' | 'over' | CheckCut['verdict']

export function verdictOf(record: Pick<CheckRecord, 'pass' | 'cut'>): CheckVerdict {
  return record.cut?.verdict ?? (record.pass ? 'within' : 'over')
}

export { META_KEY } from './meta-key.ts'

declare module 'vitest' {
  interface TaskMeta {
    memoryBudget?: CheckRecord[]
  }
}

export function budgetRecord(budget: ResolvedBudget, outcome: CheckOutcome<BudgetMeasurement>, root: string): CheckRecord {
  const { measurement, verdict, evidence } = outcome
  const retainedFinding = verdict.findings.find((finding) => finding.key === 'retained')
  const fromSnapshots = evidence.candidate && evidence.baseline
  return {
    matcher: 'toStayWithinMemoryBudget',
    budget: budget.name,
    budgetFile: budget.file,
    ...common(outcome),
    candidateWarmupRun: measurement.candidateWarmupRun,
    retained: retainedRecord(outcome, retainedFinding, fromSnapshots ? evidence.candidate!.bytes - evidence.baseline!.bytes : undefined),
    baseline: variant(measurement.baseline, evidence.baseline),
    candidate: variant(measurement.candidate, evidence.candidate),
    ...(outcome.allocations && { allocations: allocationRecord(outcome.allocations, root) }),
  }
}

/**
 * The figure judged, when a limit read it: from a second run it may be the first run's (paidOnce).
 * Without a limit (what `-u` records a new budget's from), the exact figure of a second run, unless
 * the first run kept more beyond noise (a one-time cost the second did not pay): then the first's.
 */
function retainedRecord(outcome: CheckOutcome<BudgetMeasurement>, finding: Finding | undefined, exact: number | undefined): CheckRecord['retained'] {
  if (finding) {
    const { measured: bytes, uncertainty, source = 'heap statistics', paidOnce } = finding
    return { bytes, uncertainty, source, ...(paidOnce !== undefined && { paidOnce }) }
  }
  const { retained } = outcome.measurement
  const first = outcome.firstRetained
  const paidOnce = first && paidOnceBeyondNoise(first, retained)
  if (exact !== undefined && first && paidOnce !== undefined) return { bytes: first.bytes, uncertainty: first.uncertainty, source: 'heap statistics', paidOnce }
  if (exact !== undefined) return { bytes: exact, uncertainty: 0, source: 'heap snapshots' }
  return { bytes: retained.bytes, uncertainty: retained.uncertainty, source: 'heap statistics' }
}

function allocationRecord({ measurement, direct }: NonNullable<CheckOutcome<BudgetMeasurement>['allocations']>, root: string): AllocationRecord {
  const variant = (v: VariantAllocations): VariantAllocations => ({
    bytesPerCycle: v.bytesPerCycle,
    ...(v.peak !== undefined && { peak: v.peak, peakAboveStart: v.peakAboveStart, cyclePeak: v.cyclePeak }),
  })
  return {
    baseline: variant(measurement.baseline),
    candidate: variant(measurement.candidate),
    extraBytesPerCycle: measurement.extraBytesPerCycle,
    ...(measurement.extraPeakRange && { extraPeak: measurement.extraPeak, extraPeakRange: measurement.extraPeakRange }),
    sites: measurement.extraSites.slice(0, RECORDED_SITES).map((site) => ({
      functionName: site.functionName,
      file: site.file && path.isAbsolute(site.file) && !path.relative(root, site.file).startsWith('..') ? path.relative(root, site.file) : site.file,
      line: site.line,
      kind: site.kind,
      ...(site.package && { package: site.package }),
      bytesPerCycle: site.bytesPerCycle,
      share: site.share,
    })),
    ...(direct && {
      direct: { bytesPerCycle: direct.direct.bytesPerCycle, indirect: direct.indirectGroups.map((g) => ({ name: g.name, bytesPerCycle: g.bytesPerCycle })) },
    }),
    samplingInterval: measurement.samplingInterval,
    durationMs: measurement.durationMs,
  }
}

/** What a check cut short leaves: its plan, why and where it stopped, no figures. */
export function cutRecord(
  plan: Pick<CheckRecord, 'matcher' | 'budget' | 'budgetFile' | 'cycles' | 'warmup'>,
  cut: CheckCut,
  durationMs: number,
): CheckRecord {
  return {
    matcher: plan.matcher,
    ...(plan.budget !== undefined && { budget: plan.budget, budgetFile: plan.budgetFile }),
    cycles: plan.cycles,
    warmup: plan.warmup,
    warmupRun: 0,
    pass: false,
    findings: [],
    durationMs,
    timings: { measureMs: durationMs, snapshotsMs: 0, analysisMs: 0, allocationMs: 0 },
    cut,
  }
}

export function leakRecord(outcome: CheckOutcome<LeakMeasurement>): CheckRecord {
  return { matcher: 'toLeakMemory', ...common(outcome), block: variant(outcome.measurement.variant, outcome.evidence.block) }
}

function common(outcome: CheckOutcome<BudgetMeasurement | LeakMeasurement>) {
  const { measurement, verdict } = outcome
  const allocationMs = outcome.allocations?.measurement.durationMs ?? 0
  // One run's measurement is reported; the other run's time is part of the check's too.
  const measureMs = measurement.durationMs + (outcome.otherRun?.durationMs ?? 0)
  const snapshotsMs = measurement.snapshotMs + (outcome.otherRun?.snapshotMs ?? 0)
  return {
    cycles: measurement.cycles,
    warmup: measurement.warmup,
    warmupRun: measurement.warmupRun,
    ...(measurement.callsPerReading > 1 && { callsPerReading: measurement.callsPerReading }),
    pass: verdict.pass,
    findings: verdict.findings,
    ...(outcome.note && { skipped: outcome.note }),
    durationMs: measureMs + (outcome.analysisMs ?? 0) + allocationMs,
    timings: { measureMs, snapshotsMs, analysisMs: outcome.analysisMs ?? 0, allocationMs },
  }
}

function variant(measured: { readings: number[]; growth: GrowthEstimate }, objects?: { groups: ExplainedGroup[]; bytes: number }): VariantRecord {
  return { readings: measured.readings, growth: measured.growth, ...(objects && { objects: { groups: objects.groups, bytes: objects.bytes } }) }
}
