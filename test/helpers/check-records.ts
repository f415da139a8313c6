import type { GrowthEstimate } from '../../src/engine/growth.ts'
import type { ExplainedGroup } from '../../src/engine/snapshots/analyse.ts'
import type { CheckRecord, VariantRecord } from '../../src/reporting/check-record.ts'
import type { Finding } from '../../src/verdict/judge.ts'

/** Check records as a matcher leaves them, built from the few figures a test cares about. */

export function growth(perCycle: number, halfWidth = 0, cycles = 20): GrowthEstimate {
  return { perCycle, low: perCycle - halfWidth, high: perCycle + halfWidth, firstHalf: perCycle, secondHalf: perCycle, cycles, compilingCycles: 0 }
}

/** Readings that start at `start` and grow by `perCycle` each cycle: cycles + 1 of them. */
export function readings(start: number, perCycle: number, cycles = 20): number[] {
  return Array.from({ length: cycles + 1 }, (_, i) => start + i * perCycle)
}

export function variant(start: number, perCycle: number, options: { cycles?: number; halfWidth?: number; groups?: ExplainedGroup[] } = {}): VariantRecord {
  const { cycles = 20, halfWidth = 0, groups } = options
  const bytes = groups?.reduce((sum, group) => sum + group.bytes, 0) ?? 0
  return { readings: readings(start, perCycle, cycles), growth: growth(perCycle, halfWidth, cycles), ...(groups && { objects: { groups, bytes } }) }
}

export function group(name: string, count: number, bytes: number, sample?: ExplainedGroup['sample']): ExplainedGroup {
  return { name, count, bytes, sampleIds: [], ...(sample && { sample }) }
}

export interface BudgetCheckFigures {
  budget?: string
  budgetFile?: string
  cycles?: number
  retained?: number
  uncertainty?: number
  source?: 'heap statistics' | 'heap snapshots'
  /** The retained limit the check ran with; no retained finding without it. */
  retainedLimit?: number
  /** Growth per cycle of each variant, and the leak limit. */
  baseline?: number
  candidate?: number
  leakHalfWidth?: number
  leakLimit?: number
  /** Which leak findings were over. */
  leakOver?: Array<'baseline' | 'candidate'>
  extraFindings?: Finding[]
  candidateGroups?: ExplainedGroup[]
  baselineGroups?: ExplainedGroup[]
}

export function budgetCheck(figures: BudgetCheckFigures = {}): CheckRecord {
  const {
    budget = 'telemetry', budgetFile = '/project/memory-budgets.json', cycles = 20, retained = 41_200, uncertainty = 39,
    source = 'heap statistics', retainedLimit, baseline = 0, candidate = 0, leakHalfWidth = 10, leakLimit = 0, leakOver = [], extraFindings = [],
  } = figures
  const findings: Finding[] = []
  if (retainedLimit !== undefined) {
    findings.push({ key: 'retained', subject: 'candidate', measured: retained, limit: retainedLimit, uncertainty, over: retained - uncertainty > retainedLimit, source })
  }
  for (const [subject, perCycle] of [['baseline', baseline], ['candidate', candidate]] as const) {
    findings.push({ key: 'leak', subject, measured: perCycle, limit: leakLimit, uncertainty: leakHalfWidth, over: leakOver.includes(subject) })
  }
  findings.push(...extraFindings)
  const pass = findings.every((finding) => !finding.over)
  return {
    matcher: 'toStayWithinMemoryBudget',
    budget,
    budgetFile,
    cycles,
    warmup: 20,
    warmupRun: 20,
    pass,
    findings,
    retained: { bytes: retained, uncertainty, source },
    baseline: variant(10_200_000, baseline, { cycles, halfWidth: leakHalfWidth, ...(figures.baselineGroups && { groups: figures.baselineGroups }) }),
    candidate: variant(10_200_000 + 20 * baseline, candidate, { cycles, halfWidth: leakHalfWidth, ...(figures.candidateGroups && { groups: figures.candidateGroups }) }),
    durationMs: 1900,
    timings: { measureMs: 1500, snapshotsMs: 400, analysisMs: 0, allocationMs: 0 },
  }
}

export function leakCheck(perCycle: number, options: { limit?: number; over?: boolean; groups?: ExplainedGroup[]; cycles?: number } = {}): CheckRecord {
  const { limit = 0, over = false, cycles = 20 } = options
  return {
    matcher: 'toLeakMemory',
    cycles,
    warmup: 20,
    warmupRun: 20,
    pass: !over,
    findings: [{ key: 'leak', subject: 'block', measured: perCycle, limit, uncertainty: 12, over }],
    block: variant(10_000_000, perCycle, { cycles, halfWidth: 12, ...(options.groups && { groups: options.groups }) }),
    durationMs: 800,
    timings: { measureMs: 800, snapshotsMs: 0, analysisMs: 0, allocationMs: 0 },
  }
}
