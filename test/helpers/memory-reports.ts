import type { CheckVerdict } from '../../src/reporting/check-record.ts'
import { REPORT_VERSION, type MemoryReport, type ReportCheck, type ReportEnvironment } from '../../src/reporting/report-model.ts'
import type { Finding } from '../../src/verdict/judge.ts'
import { growth, variant } from './check-records.ts'

/** Memory reports as `memory-report.json` holds them, built from the few figures a comparison test cares about. */

export const ENVIRONMENT: ReportEnvironment = {
  node: 'v24.21.0', v8: '13.6.233.10-node.27', os: 'Linux 6.8.0', arch: 'x64', cpu: 'AMD EPYC 7B13', cpus: 2, memory: 8_300_000_000,
  vitest: '5.1.2', pools: ['forks'], ci: true,
}

export function report(checks: ReportCheck[], over: Partial<MemoryReport> = {}): MemoryReport {
  const count = (verdict: CheckVerdict) => checks.filter((check) => check.verdict === verdict).length
  return {
    version: REPORT_VERSION,
    generator: { name: 'vitest-memory-budget', version: '0.1.0' },
    createdAt: '2026-12-07T18:00:00.000Z',
    environment: ENVIRONMENT,
    summary: {
      checks: checks.length, within: count('within'), over: count('over'), timedOut: count('timed out'), aborted: count('aborted'), earlierAttempts: 0,
      budgets: checks.filter((check) => check.budget !== undefined).length, leakChecks: checks.filter((check) => check.budget === undefined).length,
      verdict: count('over') > 0 ? 'over' : 'within',
    },
    checks,
    ...over,
  }
}

export interface BudgetFigures {
  project?: string
  file?: string
  test?: string
  verdict?: CheckVerdict
  /** Retained bytes, with its 95% half-width (0: from heap snapshots). */
  retained?: number
  retainedUncertainty?: number
  /** Growth per cycle of each variant, with the slope's 95% half-width. */
  baseline?: number
  candidate?: number
  leakHalfWidth?: number
  /** Bytes allocated per cycle by each variant; no allocation pass without them. */
  allocated?: { baseline: number; candidate: number }
  /** The candidate's extra cycle peak, with its 95% interval. */
  peak?: { extra: number; low: number; high: number }
  /** New objects beyond the baseline's, by constructor, as objects limits read them. */
  objects?: Record<string, number>
  findings?: Finding[]
}

export function budgetCheck(budget: string, figures: BudgetFigures = {}): ReportCheck {
  const {
    file = 'telemetry.test.ts', test = `${budget} stays within budget`, verdict = 'within', retained = 1_000, retainedUncertainty = 400,
    baseline = 0, candidate = 0, leakHalfWidth = 20, allocated, peak = { extra: 0, low: -500, high: 500 }, objects = {}, findings = [],
  } = figures
  const objectFindings: Finding[] = Object.entries(objects).map(([name, count]) => ({
    key: 'objects', subject: 'candidate', measured: count, limit: 100, uncertainty: 0, over: false, group: { name, count, bytes: count * 40, sampleIds: [] },
  }))
  return {
    id: `01-${budget}`,
    ...(figures.project !== undefined && { project: figures.project }),
    file,
    test,
    matcher: 'toStayWithinMemoryBudget',
    budget,
    budgetFile: 'memory-budgets.json',
    verdict,
    cycles: 20,
    warmup: 20,
    warmupRun: 20,
    candidateWarmupRun: 20,
    limits: {},
    retained: { bytes: retained, uncertainty: retainedUncertainty, source: retainedUncertainty === 0 ? 'heap snapshots' : 'heap statistics' },
    baseline: variant(10_000_000, baseline, { halfWidth: leakHalfWidth }),
    candidate: variant(10_000_000, candidate, { halfWidth: leakHalfWidth }),
    findings: [...findings, ...objectFindings],
    ...(allocated && {
      allocations: {
        bytesPerCycle: { ...allocated, extra: allocated.candidate - allocated.baseline },
        peakAboveStart: { baseline: 0, candidate: peak.extra, extra: peak.extra },
        cyclePeak: { baseline: 0, candidate: peak.extra, ...peak },
        sites: [],
        samplingInterval: 512,
      },
    }),
    chart: `memory-report-01-${budget}.svg`,
    durationMs: 1900,
    timings: { measureMs: 1500, snapshotsMs: 0, analysisMs: 0, allocationMs: 400 },
  }
}

export function leakCheck(perCycle: number, options: { file?: string; test?: string; halfWidth?: number; verdict?: CheckVerdict; project?: string } = {}): ReportCheck {
  const { file = 'client.test.ts', test = 'a connection cycle leaks nothing', halfWidth = 20, verdict = 'within' } = options
  return {
    id: '02-leak',
    ...(options.project !== undefined && { project: options.project }),
    file,
    test,
    matcher: 'toLeakMemory',
    verdict,
    cycles: 20,
    warmup: 20,
    warmupRun: 20,
    limits: { leak: 0 },
    block: { ...variant(10_000_000, perCycle), growth: growth(perCycle, halfWidth) },
    findings: [{ key: 'leak', subject: 'block', measured: perCycle, limit: 0, uncertainty: halfWidth, over: verdict === 'over' }],
    durationMs: 600,
    timings: { measureMs: 600, snapshotsMs: 0, analysisMs: 0, allocationMs: 0 },
  }
}
