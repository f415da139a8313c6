import os from 'node:os'
import path from 'node:path'
import { isCI } from '../budgets/update-mode.ts'
import type { Finding } from '../verdict/judge.ts'
import type { ShareOfBaseline } from '../verdict/relative-limit.ts'
import type { Comparison } from './compare/comparison.ts'
import { verdictOf, type CheckAttempt, type CheckCut, type CheckRecord, type CheckVerdict, type SiteRecord, type VariantRecord } from './check-record.ts'
import { countedRows, countRows, type RunCounts, type SummaryRow } from './check-rows.ts'

/**
 * The memory report as one typed object (`memory-report.json`), built from the check records of a
 * run; the markdown and the charts are renderings of it. Plain JSON: every number is bytes, bytes
 * per cycle, a count or milliseconds, as named.
 *
 * The shape is versioned: `version` changes only when a field is removed or changes meaning; new
 * optional fields may be added within a version, so readers should ignore fields they do not know.
 *
 * Version 2: a leak finding's `uncertainty` is the side of its 95% interval that decides (the slope
 * less its lower bound), no longer the interval's half-width, and `excused` says why a slope above
 * its limit is within; a check's `verdict` may be `timed out` or `aborted`, with `cut`; retried attempts are
 * listed apart, in `earlierAttempts`.
 */
export const REPORT_VERSION = 2

export interface MemoryReport {
  version: typeof REPORT_VERSION
  generator: { name: 'vitest-memory-budget'; version: string }
  /** ISO 8601, UTC. */
  createdAt: string
  environment: ReportEnvironment
  summary: ReportSummary
  /**
   * Every memory check of the run, in file order (by project, then path), then test order, then
   * call order. A retried test's check is its final attempt's.
   */
  checks: ReportCheck[]
  /** Checks of attempts that Vitest retried (`retry`), in the same order: not counted in `summary`. */
  earlierAttempts?: ReportCheck[]
  /** The shard this run was (`--shard=1/2`): the report covers that shard's checks only. */
  shard?: { index: number; count: number }
  /** This run compared with a base run's report, when the plugin was given one (`compare`). */
  comparison?: Comparison
}

export interface ReportEnvironment {
  /** `process.version`, e.g. `v24.21.0`. */
  node: string
  v8: string
  /** e.g. `Linux 6.8.0`. */
  os: string
  arch: string
  /** CPU model, and how many the process may use. */
  cpu: string
  cpus: number
  /** Total memory of the machine, bytes. */
  memory: number
  vitest: string
  /** Vitest pools the checks ran in (`threads`, `forks`, ...). */
  pools: string[]
  /** `CI` was set. */
  ci: boolean
  /** Browsers whose pages checks measured (browser mode), e.g. `Chromium 156.0.7632.45`. */
  browsers?: string[]
}

/**
 * The run's counts: `checks` = `within` + `over` + `timedOut` + `aborted`. Earlier attempts of
 * retried tests are counted apart. `verdict` is `within` only when every check is; `incomplete`
 * when none is over but some were cut short.
 */
export interface ReportSummary extends RunCounts {
  verdict: 'within' | 'over' | 'incomplete'
}

export interface ReportCheck {
  /** Unique within the report, stable for the same run order: `01-telemetry`. Names the chart. */
  id: string
  /**
   * The Vitest project the check ran in, when the run has named projects (`test.projects`); absent
   * otherwise. With file, test and budget, what identifies a check across runs (compare/).
   */
  project?: string
  /** Test file, relative to the Vitest root, `/`-separated. */
  file: string
  /** The test's full name (describe blocks and test name). */
  test: string
  matcher: CheckRecord['matcher']
  /** The budget's name; absent for toLeakMemory. */
  budget?: string
  /** Budget file, relative to the Vitest root, `/`-separated. */
  budgetFile?: string
  /**
   * `within` or `over` its limits, or cut short before a verdict: `timed out` (the test's timeout
   * ended it) or `aborted` (not awaited, refused, or stopped by an error); then `cut` says why and
   * where, and the check has no figures. Treat any verdict but `within` as not passing.
   */
  verdict: CheckVerdict
  cut?: Omit<CheckCut, 'verdict'>
  /** What the check left out, passing or not, and why (objects not read from a heap too large). */
  skipped?: string
  /** The browser whose page the check measured (browser mode), e.g. `Chromium 156.0.7632.45`; absent in Node. */
  browser?: string
  /** The attempt of its test (Vitest's retry and repeats) that made the check. */
  attempt?: CheckAttempt
  /** Measured cycles per variant (for toLeakMemory, as many as it ran: up to 3 times those asked, while growth was not settled), warm-up asked for and run. */
  cycles: number
  warmup: number
  warmupRun: number
  /** Warm-up the candidate ran between the variants; budget checks only. */
  candidateWarmupRun?: number
  /** Calls of the block between two readings, when more than one (a fast block in a worker whose full GCs cost more than a call). */
  callsPerReading?: number
  /** The limits this check was judged by (file, defaults and overrides resolved). */
  limits: ReportLimits
  /** Candidate's retained overhead beyond the baseline; budget checks only. */
  retained?: CheckRecord['retained']
  /** Readings (post-GC bytes: before the first measured cycle, then after each), growth, objects. */
  baseline?: VariantRecord
  candidate?: VariantRecord
  block?: VariantRecord
  /** Every limit checked, over or not, as the matcher judged it. */
  findings: Finding[]
  /** Allocation volume, peak, sites and the direct/indirect split, when the check measured them. */
  allocations?: ReportAllocations
  /** File name of the chart of this check's readings, next to the report; absent for a check cut short and for earlier attempts. */
  chart?: string
  durationMs: number
  timings: CheckRecord['timings']
}

export interface ReportLimits {
  retained?: number
  /** Per cycle, for each variant. */
  leak?: number
  /** Per constructor name. */
  objects?: Record<string, number>
  /** Extra bytes allocated per cycle: all of them, and in the feature's own files. */
  allocated?: number
  direct?: number
  /** Extra peak heap. */
  peak?: number
  /**
   * The limits above that were written as a share of the baseline's figure in the same check
   * (`"allocated": "2%"`): the share in percent, the baseline's figure, and a size written beside it.
   * The figure above is what the share came to in bytes for this check.
   */
  shares?: Partial<Record<'allocated' | 'direct' | 'peak', ShareOfBaseline>>
}

/**
 * What the allocation pass measured (budget checks that ran it), for reading: per variant, then the
 * candidate's extra. Read off the record by allocationsOf, the one place that knows its shape.
 */
export interface ReportAllocations {
  /** Bytes allocated per cycle, garbage included. */
  bytesPerCycle: { baseline: number; candidate: number; extra: number }
  /**
   * The highest used heap of the whole variant, above where it started (one GC's reading), and the
   * difference of the two. Reported, not judged: see cyclePeak. This and cyclePeak are absent in
   * browser mode: a page gives no GC-by-GC heights.
   */
  peakAboveStart?: { baseline: number; candidate: number; extra: number }
  /**
   * How high the used heap goes in a typical cycle, above that cycle's start: the median cycle per
   * variant, and the shift between the variants' cycles with its 95% interval. The `peak` limit
   * applies to `extra`.
   */
  cyclePeak?: { baseline: number; candidate: number; extra: number; low: number; high: number }
  /** Where the candidate allocates beyond the baseline, largest first (function start lines). */
  sites: AllocationSiteRecord[]
  /** The extra split by the budget's `sites.direct` globs, when it sets some. */
  split?: {
    direct: AllocationShare
    indirect: AllocationShare
    /** The indirect part by package, `(your code)` or `(built-in)`, largest first. */
    indirectGroups: Array<AllocationShare & { name: string }>
  }
  /** Sampling interval of the allocation profile, bytes. */
  samplingInterval: number
}

/** A site as the check recorded it: one type from worker to report. */
export type AllocationSiteRecord = SiteRecord

export interface AllocationShare {
  bytesPerCycle: number
  /** Fraction (0..1) of the extra. */
  share: number
}

export interface ReportContext {
  /** Vitest root: paths in the report are relative to it. */
  root: string
  createdAt: Date
  environment: ReportEnvironment
  /** This package's version. */
  version: string
  /** Vitest's `shard`, when the run was one. */
  shard?: { index: number; count: number }
}

/** The report of a run, from the rows the summary table shows. */
export function buildReport(rows: readonly SummaryRow[], context: ReportContext): MemoryReport {
  const counted = countedRows(rows)
  const earlier = rows.filter((row) => row.earlierAttempt)
  const number = (index: number, of: number) => String(index + 1).padStart(Math.max(2, String(of).length), '0')
  const checks = counted.map((row, index) => checkOf(row, `${number(index, counted.length)}-${slug(row.record.budget ?? row.test)}`, context.root, true))
  const counts = countRows(rows)
  const verdict = counts.over > 0 ? 'over' : counts.within < counts.checks ? 'incomplete' : 'within'
  return {
    version: REPORT_VERSION,
    generator: { name: 'vitest-memory-budget', version: context.version },
    createdAt: context.createdAt.toISOString(),
    environment: context.environment,
    summary: { ...counts, verdict },
    checks,
    ...(earlier.length > 0 && {
      earlierAttempts: earlier.map((row, index) => checkOf(row, `retried-${number(index, earlier.length)}-${slug(row.record.budget ?? row.test)}`, context.root, false)),
    }),
    ...(context.shard && { shard: context.shard }),
  }
}

/** File name of a check's chart. */
export function chartFileName(id: string): string {
  return `memory-report-${id}.svg`
}

function checkOf({ project, file, test, record }: SummaryRow, id: string, root: string, charted: boolean): ReportCheck {
  const allocations = allocationsOf(record)
  return {
    id,
    ...(project !== undefined && { project }),
    file: toPosix(file),
    test,
    matcher: record.matcher,
    ...(record.budget !== undefined && { budget: record.budget }),
    ...(record.budgetFile !== undefined && { budgetFile: toPosix(path.relative(root, record.budgetFile)) }),
    verdict: verdictOf(record),
    ...(record.cut && { cut: { reason: record.cut.reason, where: record.cut.where } }),
    ...(record.skipped && { skipped: record.skipped }),
    ...(record.browser && { browser: record.browser }),
    ...(record.attempt && (record.attempt.retry > 0 || record.attempt.repeat > 0) && { attempt: record.attempt }),
    cycles: record.cycles,
    warmup: record.warmup,
    warmupRun: record.warmupRun,
    ...(record.candidateWarmupRun !== undefined && { candidateWarmupRun: record.candidateWarmupRun }),
    ...(record.callsPerReading !== undefined && { callsPerReading: record.callsPerReading }),
    limits: limitsOf(record.findings),
    ...(record.retained && { retained: record.retained }),
    ...(record.baseline && { baseline: record.baseline }),
    ...(record.candidate && { candidate: record.candidate }),
    ...(record.block && { block: record.block }),
    findings: record.findings,
    ...(allocations && { allocations }),
    ...(charted && !record.cut && { chart: chartFileName(id) }),
    durationMs: record.durationMs,
    timings: record.timings,
  }
}

function limitsOf(findings: readonly Finding[]): ReportLimits {
  const limits: ReportLimits = {}
  for (const finding of findings) {
    if (finding.key === 'retained') limits.retained = finding.limit
    else if (finding.key === 'leak') limits.leak = finding.limit
    else if (finding.key === 'objects' && finding.group) (limits.objects ??= {})[finding.group.name] = finding.limit
    else if (finding.key === 'allocated' || finding.key === 'direct' || finding.key === 'peak') {
      limits[finding.key] = finding.limit
      if (finding.relative) (limits.shares ??= {})[finding.key] = finding.relative
    }
  }
  return limits
}

/** The one place that reads the allocation pass off a record: its shape is the worker's. */
export function allocationsOf(record: CheckRecord): ReportAllocations | undefined {
  const allocations = record.allocations
  if (!allocations) return undefined
  const { baseline, candidate, extraBytesPerCycle: extra, direct } = allocations
  const share = (bytes: number) => (extra > 0 ? bytes / extra : 0)
  return {
    bytesPerCycle: { baseline: baseline.bytesPerCycle, candidate: candidate.bytesPerCycle, extra },
    ...(allocations.extraPeakRange && {
      peakAboveStart: { baseline: baseline.peakAboveStart!, candidate: candidate.peakAboveStart!, extra: candidate.peakAboveStart! - baseline.peakAboveStart! },
      cyclePeak: { baseline: baseline.cyclePeak!, candidate: candidate.cyclePeak!, extra: allocations.extraPeak!, ...allocations.extraPeakRange },
    }),
    sites: allocations.sites,
    ...(direct && {
      split: {
        direct: { bytesPerCycle: direct.bytesPerCycle, share: share(direct.bytesPerCycle) },
        indirect: { bytesPerCycle: extra - direct.bytesPerCycle, share: share(extra - direct.bytesPerCycle) },
        indirectGroups: direct.indirect.map((group) => ({ name: group.name, bytesPerCycle: group.bytesPerCycle, share: share(group.bytesPerCycle) })),
      },
    }),
    samplingInterval: allocations.samplingInterval,
  }
}

/** The machine, Node and Vitest the checks ran on. */
export function collectEnvironment(vitestVersion: string, pools: readonly string[], env: Record<string, string | undefined> = process.env, browsers: readonly string[] = []): ReportEnvironment {
  const cpus = os.cpus()
  return {
    ...(browsers.length > 0 && { browsers: [...new Set(browsers)].sort() }),
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cpus: os.availableParallelism(),
    memory: os.totalmem(),
    vitest: vitestVersion,
    pools: [...new Set(pools)].sort(),
    ci: isCI(env),
  }
}

/** `telemetry`, `price-cache`; a test name cut to a few words. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '') || 'check'
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/')
}

/** 'each cycle', or 'every 2nd cycle' for a check that read the heap every second call. */
export function afterWhich(check: Pick<ReportCheck, 'callsPerReading'>): string {
  return check.callsPerReading === undefined ? 'each cycle' : `every ${ordinal(check.callsPerReading)} cycle`
}

/** 2 -> '2nd', 3 -> '3rd', 4 -> '4th': how many cycles lie between two readings. */
export function ordinal(n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'
  return `${n}${suffix}`
}
