import type { ResolvedBudget } from '../budgets/budget.ts'
import { formatPercent } from '../budgets/relative-limits.ts'
import { formatRate, formatSignedSize, formatSize } from '../budgets/sizes.ts'
import type { BudgetMeasurement, LeakMeasurement } from '../engine/measure.ts'
import type { ExplainedGroup } from '../engine/snapshots/analyse.ts'
import path from 'node:path'
import type { AllocationSite } from '../engine/allocations/index.ts'
import { Z_95 } from '../engine/robust-line.ts'
import { ENTRY_BYTES, NOISE_FLOOR, objectCycles, type AllocationEvidence, type Finding, type ObjectEvidence, type Subject, type Verdict } from './judge.ts'

/** What a message can add beyond the verdict: the objects behind it, and how they were read. */
export interface MessageContext {
  /** What each variant left behind, from heap snapshots. */
  evidence?: ObjectEvidence
  /** The evidence comes from a second run, after the first failed. */
  secondRun?: boolean
  /** Why there is no evidence. */
  note?: string
  /** The allocation pass: its sites name where extra allocation happens. */
  allocations?: AllocationEvidence
  /** The project root, to show sites' files relative to it. */
  root?: string
}

/** Why growth whose slope is above the limit is within it (Finding.excused), for messages and the report. */
export const EXCUSES: Record<NonNullable<Finding['excused']>, string> = {
  unsteady: 'not steady: one half of the cycles did not grow past the limit',
  'noise floor': `steady, but under the ${formatRate(NOISE_FLOOR)} that heap statistics call on their own`,
  'no objects': "heap snapshots of the same cycles found no new object: V8's own growth",
  'one-off objects': 'heap snapshots of the same cycles found no object kept twice: a one-off, not growth every cycle',
}

/** Allocation sites a failing allocation limit lists. */
const LISTED_SITES = 5

/** Groups a failing message lists per variant. */
const LISTED_GROUPS = 3

/**
 * One template for every message: a headline with the budget and cycle counts, a line per limit
 * that went over (measured, limit, excess, uncertainty), what holds the objects, the limits that
 * held, then where to change them. Sizes go through pretty-bytes via sizes.ts.
 */
export function formatBudgetVerdict(verdict: Verdict, measurement: BudgetMeasurement, budget: ResolvedBudget, context: MessageContext = {}): string {
  const counts = `${measurement.cycles} cycles without, ${measurement.cycles} with`
  const headline = verdict.pass
    ? `memory budget "${budget.name}" met (${counts})`
    : `memory budget "${budget.name}" exceeded (${counts})`
  return [headline, ...findingLines(verdict.findings, measurement, context), `budget file: ${budget.file}`].join('\n')
}

export function formatLeakVerdict(verdict: Verdict, measurement: LeakMeasurement, context: MessageContext = {}): string {
  const { growth } = measurement.variant
  const headline = verdict.pass
    ? `block does not leak memory (${measurement.cycles} cycles after ${measurement.warmupRun} warm-up)`
    : `block leaks memory (${measurement.cycles} cycles after ${measurement.warmupRun} warm-up)`
  return [
    headline,
    ...findingLines(verdict.findings, measurement, context),
    `  halves    ${formatRate(growth.firstHalf)} then ${formatRate(growth.secondHalf)}`,
  ].join('\n')
}

/** The cycle counts of a check: how many each variant's objects were left over (objectCycles). */
type CheckCycles = { cycles: number; candidateWarmupRun?: number }

function findingLines(findings: Finding[], check: CheckCycles, context: MessageContext): string[] {
  const over = findings.filter((finding) => finding.over)
  const lines = over.flatMap((finding) => [...overLines(finding, objectCycles(check, finding.subject), context.root), ...siteLines(finding, context)])
  lines.push(...leftBehindLines(over, check, context))
  if (context.note && over.length > 0) lines.push(`  (${context.note})`)
  return [
    ...lines,
    ...findings.filter((finding) => !finding.over).flatMap((finding) => [withinLine(finding, objectCycles(check, finding.subject)), ...directMissedLines(finding, context)]),
  ]
}

/**
 * A `direct` within its limit because none of a real extra was sampled in the feature's files: V8
 * charges a function it inlined into its caller to that caller, so a small feature function called
 * from elsewhere can leave `direct` at 0 while the extra is all its own. Said, with where the extra
 * was charged, rather than passed in silence.
 */
function directMissedLines(finding: Finding, context: MessageContext): string[] {
  const evidence = context.allocations
  if (finding.key !== 'direct' || !evidence || finding.measured > finding.uncertainty) return []
  const { extraBytesPerCycle: extra, baseline, candidate } = evidence.measurement
  const sampling = Z_95 * Math.hypot(baseline.samplingError, candidate.samplingError)
  const top = evidence.measurement.extraSites[0]
  if (!top || extra <= Math.max(DIRECT_MISSED_FLOOR, 2 * sampling)) return []
  return [
    `            none of the extra ${formatSignedRate(extra)} was sampled in sites.direct's files; most went to ${siteLabel(top, context.root)}` +
      ` (a function V8 inlined into its caller is charged to the caller)`,
  ]
}

/** Least extra allocation whose absence from `sites.direct` is worth a line: a kilobyte a cycle. */
const DIRECT_MISSED_FLOOR = 1024

/**
 * Where the memory is: for a retained or leak limit that went over, or a count that grew (DOM nodes),
 * the objects the variant left behind, biggest groups first, unless object findings already name them.
 */
function leftBehindLines(over: Finding[], check: CheckCycles, context: MessageContext): string[] {
  const evidence = context.evidence
  if (!evidence || over.some((finding) => finding.group)) return []
  const subjects: Subject[] = [...new Set(over.filter((f) => f.key === 'retained' || f.key === 'leak' || f.key === 'countLeak').map((f) => f.subject))]
  return subjects.flatMap((subject) => {
    const groups = evidence[subject]?.groups ?? []
    if (groups.length === 0) return []
    const source = context.secondRun ? 'heap snapshots of a second run' : 'heap snapshots'
    return [
      `  left behind by ${subject} (${source}):`,
      ...groups.slice(0, LISTED_GROUPS).flatMap((group) => [
        `            ${group.name} x${group.count}  (${groupFigures(group, objectCycles(check, subject))})`,
        ...samplePath(group),
      ]),
    ]
  })
}

function overLines(finding: Finding, cycles: number, root?: string): string[] {
  const { measured, limit, uncertainty } = finding
  switch (finding.key) {
    case 'retained': {
      const how = finding.source === 'heap snapshots' ? 'exact, from heap snapshots' : `±${formatSize(uncertainty)}`
      return [`  retained  ${formatSize(measured)} > ${formatSize(limit)}  (${formatSignedSize(measured - limit)}, ${how})`, ...paidOnceLines(finding, root)]
    }
    case 'leak':
      return [`  leak      ${finding.subject} grows ${formatRate(measured)} > ${formatRate(limit)}  (±${formatRate(uncertainty)})`]
    case 'objects':
      return [`  objects   ${finding.group!.name}: ${measured} new > ${limit}  (+${measured - limit}; ${groupFigures(finding.group!, cycles)})`, ...samplePath(finding.group!)]
    case 'objectLeak':
      return [`  objects   ${finding.subject} keeps ${finding.group!.name} x${measured}  (${groupFigures(finding.group!, cycles)})`, ...samplePath(finding.group!)]
    case 'collectionLeak':
      return [`  growing   ${collectionFigures(finding, cycles)}`, ...(finding.collection!.path ? [`            held by ${finding.collection!.path}`] : [])]
    case 'countLeak':
      return [`  growing   ${countFigures(finding)}${finding.limit > 0 ? ` > ${countRate(finding.limit)}` : ''}`]
    case 'allocated':
      return [`  allocated ${formatSignedRate(measured)}${ofBaseline(finding, formatRate)} > ${limitText(finding, formatRate)}  (${formatSignedSize(measured - limit)}, ±${formatSize(uncertainty)})`]
    case 'direct':
      return [`  direct    ${formatSignedRate(measured)} in sites.direct${ofBaseline(finding, formatRate)} > ${limitText(finding, formatRate)}  (${formatSignedSize(measured - limit)}, ±${formatSize(uncertainty)})`]
    case 'peak':
      return [`  peak      ${formatSignedSize(measured)} a cycle${ofBaseline(finding, formatSize)} > ${limitText(finding, formatSize)}  (${formatSignedSize(measured - limit)}, ±${formatSize(uncertainty)})`]
  }
}

/**
 * A limit as written, with what it came to for a share: `100 kB/cycle`, `2% (2.04 kB/cycle)`; with a
 * size beside the share, the one that decided first: `2% (2.04 kB/cycle; most 600 kB/cycle)`,
 * `600 kB/cycle (most; 2% is 1.2 MB/cycle)`.
 */
export function limitText(finding: Finding, format: (bytes: number) => string): string {
  const { relative, limit } = finding
  if (!relative) return format(limit)
  const share = formatPercent(relative.share)
  if (relative.most === undefined) return `${share} (${format(limit)})`
  const ofBaseline = (relative.share / 100) * Math.max(0, relative.baseline)
  return relative.most < ofBaseline
    ? `${format(relative.most)} (most; ${share} is ${format(ofBaseline)})`
    : `${share} (${format(limit)}; most ${format(relative.most)})`
}

/** For a limit written as a share: the measured extra as a share of the baseline's figure, ` (+5.0% of the baseline's 102 kB/cycle)`. */
export function ofBaseline(finding: Finding, format: (bytes: number) => string): string {
  const { relative, measured } = finding
  if (!relative) return ''
  if (!(relative.baseline > 0)) return ` (the baseline's ${format(relative.baseline)})`
  const percent = (measured / relative.baseline) * 100
  return ` (${percent >= 0 ? '+' : ''}${percent.toFixed(1)}% of the baseline's ${format(relative.baseline)})`
}

/**
 * A one-time cost the first run paid and its second run, with heap snapshots, did not: snapshots
 * cannot name its objects, so the first run's sampled sites say where it was allocated.
 */
function paidOnceLines(finding: Finding, root?: string): string[] {
  if (finding.paidOnce === undefined) return []
  const sites = finding.keptSites?.sites ?? []
  return [
    `            ${formatSize(finding.paidOnce)} of it paid once, in a first run without heap snapshots: a second run, with them, did not pay it again`,
    ...(sites.length > 0 ? ["            held at the first run's end, by where it was allocated in its measured cycles (sampled):"] : []),
    ...sites.slice(0, LISTED_SITES).map((site) => `            ${siteLabel(site, root)}  ~${formatSize(site.bytesPerCycle)}`),
  ]
}

function formatSignedRate(bytesPerCycle: number): string {
  return `${formatSignedSize(bytesPerCycle)}/cycle`
}

/**
 * Where extra allocation happens, for a failing allocation limit: the candidate's top sites beyond
 * the baseline (the direct ones for `direct`), by function, with the line where the function starts.
 */
function siteLines(finding: Finding, context: MessageContext): string[] {
  const evidence = context.allocations
  if (!evidence || (finding.key !== 'allocated' && finding.key !== 'direct')) return []
  const sites = finding.key === 'direct' ? (evidence.direct?.direct.sites ?? []) : evidence.measurement.extraSites
  return sites.slice(0, LISTED_SITES).map((site) => `            ${siteLabel(site, context.root)}  ${formatRate(site.bytesPerCycle)}  ${Math.round(site.share * 100)}%`)
}

function siteLabel(site: AllocationSite, root?: string): string {
  if (site.kind === 'built-in' || !site.file) return site.functionName
  const file = root && path.isAbsolute(site.file) ? path.relative(root, site.file) : site.file
  return `${site.functionName} (${file}:${site.line})`
}

function groupFigures(group: ExplainedGroup, cycles: number): string {
  const rate = group.count / cycles
  const perCycle = rate >= 0.95 && rate <= 1.05 ? '1 per cycle' : `${rate.toFixed(rate < 10 ? 1 : 0)} per cycle`
  return `${perCycle}, ${formatSize(group.bytes)}`
}

/** `Map (+20 entries, 1 per cycle; 2069 -> 2089)`: a growing collection's name and counts. */
function collectionFigures(finding: Finding, cycles: number): string {
  const { kind, name, from, to } = finding.collection!
  const added = to - from
  const rate = added / cycles
  const perCycle = rate >= 0.95 && rate <= 1.05 ? '1 per cycle' : `${rate.toFixed(rate < 10 ? 1 : 0)} per cycle`
  return `${name ?? kind} (+${added} ${added === 1 ? 'entry' : 'entries'}, ${perCycle}; ${from} -> ${to})`
}

/**
 * `DOM nodes +20 (1 per cycle; 72 -> 92)`, `candidate's DOM nodes +40 (2.0 per cycle; ...)`: a count
 * read beside the heap, and how it moved over the measured cycles it was fitted to.
 */
function countFigures(finding: Finding): string {
  const { name, from, to, cycles } = finding.counted!
  const moved = to - from
  const rate = moved / cycles
  const perCycle = rate >= 0.95 && rate <= 1.05 ? '1 per cycle' : `${rate.toFixed(Math.abs(rate) < 10 ? 1 : 0)} per cycle`
  const whose = finding.subject === 'block' ? '' : `${finding.subject}'s `
  return `${whose}${name} ${moved >= 0 ? '+' : ''}${moved} (${perCycle}; ${from} -> ${to})`
}

/** `2 per cycle`, `0.5 per cycle`: a count's rate or limit. */
function countRate(perCycle: number): string {
  return `${Number(perCycle.toFixed(2))} per cycle`
}

function samplePath(group: ExplainedGroup): string[] {
  const sample = group.sample
  if (!sample) return []
  return [`            held by ${sample.path}  (one retains ${formatSize(sample.retainedSize)})`]
}

function withinLine(finding: Finding, cycles: number): string {
  const { measured, limit, uncertainty } = finding
  switch (finding.key) {
    case 'retained': {
      const how = finding.source === 'heap snapshots' ? 'from heap snapshots' : `±${formatSize(uncertainty)}`
      return `  within    retained ${formatSize(measured)} (${how}), limit ${formatSize(limit)}`
    }
    case 'leak': {
      const excuse = finding.excused ? `; ${EXCUSES[finding.excused]}` : ''
      return `  within    leak of ${finding.subject} ${formatRate(measured)} (±${formatRate(uncertainty)}), limit ${formatRate(limit)}${excuse}`
    }
    case 'allocated':
      return `  within    allocated ${formatSignedRate(measured)}${ofBaseline(finding, formatRate)} (±${formatSize(uncertainty)}), limit ${limitText(finding, formatRate)}`
    case 'direct':
      return `  within    direct ${formatSignedRate(measured)}${ofBaseline(finding, formatRate)} (±${formatSize(uncertainty)}), limit ${limitText(finding, formatRate)}`
    case 'peak':
      return `  within    peak ${formatSignedSize(measured)} a cycle${ofBaseline(finding, formatSize)} (±${formatSize(uncertainty)}), limit ${limitText(finding, formatSize)}`
    case 'collectionLeak':
      return `  within    growing ${collectionFigures(finding, cycles)}: ${ENTRY_BYTES[finding.collection!.kind]} B an entry or more, limit ${formatRate(limit)}`
    case 'countLeak':
      // Within with no limit, or beyond its limit: it moved, but not steadily.
      return `  within    ${countFigures(finding)}${finding.limit > 0 ? `, limit ${countRate(finding.limit)}` : ''}${finding.limit === 0 || finding.measured > finding.limit ? ': not steady' : ''}`
    default:
      return `  within    objects ${finding.group!.name}: ${measured} new, limit ${limit}`
  }
}
