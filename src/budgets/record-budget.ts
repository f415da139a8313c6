import type { CheckRecord } from '../reporting/check-record.ts'
import { NOISE_FLOOR, objectCycles, type Finding, type Subject } from '../verdict/judge.ts'
import { formatPercent, parseLimit, type BaselineLimit } from './relative-limits.ts'
import { formatSize, parseSize } from './sizes.ts'

/**
 * `vitest -u` for budgets: what a budget entry should say after this run, from the checks that
 * measured it. Pure: records and the entry as written in the file in, the keys to write out. Like
 * snapshots, `-u` writes what is missing and what failed, and leaves what passed as it is.
 *
 * Which keys are written:
 * - an entry that sets no limit (a new entry, or `{}`) gets `retained`, the figure budgets are for;
 * - a limit this run broke is re-recorded, wherever it came from (the entry, `defaults`, `"*"` under
 *   objects), so that the next run passes: a broken object limit adds the constructor by name,
 *   leaving `"*"` as the user set it;
 * - a limit that held is never rewritten, neither tightened nor loosened: it is the user's;
 * - `leak` is never written: a check that leaks (leaksNotRecorded) records nothing at all, since its
 *   other figures hold what leaked too, and growth that did not break the limit is not a leak;
 * - `cycles` and `warmup` are never touched: they are how to measure, not what was measured;
 * - a limit written as a share of the baseline (`"2%"`, `{ most, share }`) stays one: when it broke,
 *   the share is re-recorded as a share (the part that broke, the other kept as written), never
 *   turned into bytes, since the team chose to scale with the baseline;
 * - a key that a check overrode in code (its limit differs from the file's) is not recorded from it.
 */

/** How much room a recorded limit leaves above what was measured. */
export interface HeadroomRule {
  /** Fraction of the measured figure. */
  relative: number
  /** Multiples of the measurement's 95% uncertainty (the half-width printed as `±`). */
  uncertainties: number
  /** Least headroom of a `retained` limit, bytes. */
  minimumBytes: number
  /** Least headroom of the `leak` limit a leaking check names to allow it, bytes per cycle. */
  minimumRate: number
}

/**
 * retained (and the allocation limits): measured + max(25%, 3 x uncertainty, 4 kB); objects: count
 * + 25% (rounded up); then rounded up to 2 significant digits. `leak` is never recorded, but a
 * leaking check names the limit that would allow it: measured + max(25%, 3 x uncertainty, 64 B/cycle).
 *
 * - 25%: the same code measures up to ~12% apart between runs, machines and Node patch releases
 *   (a one-time 200 kB cache read 9-12% low from heap statistics, RESEARCH.md); 25% covers that
 *   twice, and a feature that grows by a third or more still fails.
 * - 3 x uncertainty: the `±` is a 95% half-width, so three of them (about six standard errors) keep
 *   a noisy figure's next run under the limit; it is what matters for small figures with wide bands.
 * - 4 kB: below it heap statistics see V8's own bookkeeping (feedback vectors, lazily built tables)
 *   as much as the feature; a 200 B figure + 25% would fail on the next unlucky run.
 * - 64 B/cycle: the noise floor under which heap statistics never call growth a leak (judge.ts),
 *   so a tighter leak limit would only allow noise.
 * - Counts from heap snapshots are exact but vary by a cycle of slack (19-21 objects for 20 cycles).
 */
export const DEFAULT_HEADROOM: HeadroomRule = { relative: 0.25, uncertainties: 3, minimumBytes: 4000, minimumRate: NOISE_FLOOR }

/** Options of recording budgets (`vitest -u`), on the plugin: `memoryBudget({ record: { ... } })`. */
export interface RecordOptions {
  /**
   * Room left above what was measured, each part as a maximum of the others.
   * @default { relative: 0.25, uncertainties: 3, minimum: '4 kB', minimumLeak: '64 B' }
   * @example { relative: 0.5 } // 50% above the measurement
   */
  headroom?: {
    /** Fraction of the measured figure. @default 0.25 */
    relative?: number
    /** Multiples of the 95% uncertainty of the measurement. @default 3 */
    uncertainties?: number
    /** Least headroom of `retained`: bytes, or a size such as "4 kB". @default '4 kB' */
    minimum?: number | string
    /** Least headroom of the `leak` limit a leaking check names to allow it, per cycle. @default '64 B' */
    minimumLeak?: number | string
  }
}

/** The headroom rule from the plugin's options. @throws TypeError naming the option and what it got. */
export function resolveHeadroom(options: RecordOptions['headroom'] = {}): HeadroomRule {
  const fraction = (key: 'relative' | 'uncertainties', value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`memoryBudget({ record: { headroom: { ${key} } } }): expected a number of 0 or more, got ${JSON.stringify(value)}`)
    }
    return value
  }
  const size = (key: 'minimum' | 'minimumLeak', value: number | string | undefined, fallback: number): number => {
    if (value === undefined) return fallback
    try {
      return parseSize(value)
    } catch (error) {
      throw new TypeError(`memoryBudget({ record: { headroom: { ${key} } } }): ${(error as Error).message}`)
    }
  }
  return {
    relative: fraction('relative', options.relative, DEFAULT_HEADROOM.relative),
    uncertainties: fraction('uncertainties', options.uncertainties, DEFAULT_HEADROOM.uncertainties),
    minimumBytes: size('minimum', options.minimum, DEFAULT_HEADROOM.minimumBytes),
    minimumRate: size('minimumLeak', options.minimumLeak, DEFAULT_HEADROOM.minimumRate),
  }
}

/**
 * Rounds up to 2 significant digits, so that a limit reads like one a person chose.
 * @example roundUpReadable(51_512) //=> 52_000
 * @example roundUpReadable(153) //=> 160
 */
export function roundUpReadable(bytes: number): number {
  if (!(bytes > 0)) return 0
  const whole = Math.ceil(bytes)
  const digits = String(whole).length
  if (digits <= 2) return whole
  const step = 10 ** (digits - 2)
  return Math.ceil(whole / step) * step
}

/**
 * A recorded size as written to the file: rounded up to 2 significant digits, through pretty-bytes.
 * @example formatBudgetSize(51_512) //=> '52 kB'
 */
export function formatBudgetSize(bytes: number): string {
  return formatSize(roundUpReadable(bytes))
}

/** What a limit is for: a size (retained, allocation limits), a rate per cycle (leak), or a count of objects. */
export type LimitKind = 'size' | 'rate' | 'count'

/** One figure a check measured, for one limit. */
export interface Measured {
  value: number
  /** 95% half-width; 0 for figures from heap snapshots. */
  uncertainty: number
  /** For a limit written as a share: the baseline's figure it was a share of, in this check. */
  baseline?: number
}

/**
 * The limit to record for a figure: measured + headroom, rounded up.
 * @example recommend({ value: 41_200, uncertainty: 39 }, 'size', DEFAULT_HEADROOM) //=> 52_000
 */
export function recommend(measured: Measured, kind: LimitKind, rule: HeadroomRule): number {
  const value = Math.max(0, measured.value)
  if (kind === 'count') return value + Math.ceil(value * rule.relative)
  const minimum = kind === 'size' ? rule.minimumBytes : rule.minimumRate
  return roundUpReadable(value + Math.max(value * rule.relative, measured.uncertainty * rule.uncertainties, minimum))
}

/** A budget entry as written in the file: sizes as the user wrote them ("600 kB" or 600000). */
export type RawEntry = { [key: string]: unknown }

/** One key written: `['retained']`, or `['objects', 'TelemetryEvent']`. */
export interface KeyChange {
  path: [string] | [string, string]
  /** The value in the file before, as written there; absent when the key is new. */
  before?: unknown
  /** The value to write: a size string such as "52 kB", a share such as "6.4%", a count, or `{ most, share }`. */
  after: string | number | { most?: unknown; share?: unknown }
}

export interface EntryUpdate {
  name: string
  /**
   * `added`: the file has no such budget; it is written even with no keys (`{}`, the defaults), so
   * that the next run finds it. `changed`: at least one key to write. `unchanged`: nothing to write.
   */
  status: 'added' | 'changed' | 'unchanged'
  /** Keys to write, in the order to write them; empty when unchanged. */
  changes: KeyChange[]
  /** The leaks its checks found, whose checks recorded nothing (see leaksNotRecorded); absent when none leaked. */
  leaks?: LeakNotRecorded[]
}

export interface RecordInput {
  name: string
  /** Every check of this budget that ran (a budget may be checked by several tests). */
  records: readonly CheckRecord[]
  /** The entry as in the file; undefined when the file has none. */
  entry: RawEntry | undefined
  /** The file's `defaults`, as in the file. */
  defaults?: RawEntry
  headroom?: HeadroomRule
}

/**
 * Size limits read off a finding of the same key: the allocation limits (`allocated`, `direct` per
 * cycle, `peak`). Recorded like `retained` when they broke.
 */
const FINDING_SIZE_KEYS = ['allocated', 'peak', 'direct'] as const satisfies ReadonlyArray<Finding['key']>
const LIMIT_KEYS = ['retained', 'leak', 'objects', ...FINDING_SIZE_KEYS] as const
const WILDCARD = '*'

/** The keys to write for one budget after a run (see the top of this file for which). */
export function recordBudget({ name, records, entry, defaults = {}, headroom = DEFAULT_HEADROOM }: RecordInput): EntryUpdate {
  const leaksOf = records.map((record) => leaksNotRecorded(record, headroom))
  const leaks = leaksOf.flat()
  const measured = records.filter((_, i) => leaksOf[i]!.length === 0)
  // Every check leaked: nothing measured this budget without its leak, so nothing is written, not even a new entry.
  if (measured.length === 0 && leaks.length > 0) return { name, status: 'unchanged', changes: [], leaks }

  const current = entry ?? {}
  const changes: KeyChange[] = []
  const write = (path: KeyChange['path'], before: unknown, kind: LimitKind, { needs }: Needs): void => {
    if (needs.length === 0) return
    const limit = Math.max(...needs.map((need) => recommend(need, kind, headroom)))
    const after = kind === 'count' ? limit : formatSize(limit)
    changes.push(before === undefined ? { path, after } : { path, before, after })
  }

  const setsNone = !LIMIT_KEYS.some((key) => Object.hasOwn(current, key))
  const retained = retainedNeeds(measured, effectiveSize(current.retained ?? defaults.retained))
  if (setsNone || retained.over) write(['retained'], current.retained, 'size', retained)

  for (const key of FINDING_SIZE_KEYS) {
    const raw = current[key] ?? defaults[key]
    const written = writtenLimit(raw)
    const sized = findingNeeds(measured, key, written)
    if (!sized.over) continue
    if (typeof written === 'object') {
      const after = recordShare(raw, written, sized.needs, headroom)
      if (after !== undefined) changes.push(current[key] === undefined ? { path: [key], after } : { path: [key], before: current[key], after })
    } else {
      write([key], current[key], 'size', sized)
    }
  }

  const entryObjects = asObject(current.objects)
  const limits = { ...asObject(defaults.objects), ...entryObjects }
  for (const constructor of objectsOver(measured)) {
    const effective = limits[constructor] ?? limits[WILDCARD]
    const objects = objectNeeds(measured, constructor, typeof effective === 'number' ? effective : undefined)
    if (objects.over) write(['objects', constructor], entryObjects[constructor], 'count', objects)
  }

  const status = entry === undefined ? 'added' : changes.length > 0 ? 'changed' : 'unchanged'
  return { name, status, changes, ...(leaks.length > 0 && { leaks }) }
}

/** A leak that a check found, which `vitest -u` does not record as allowed. */
export interface LeakNotRecorded {
  subject: Subject
  /**
   * What confirmed it: objects kept every cycle (objectLeak findings: constructor, how many, over
   * how many cycles), or, from heap statistics alone, growth steady in both halves of the cycles.
   */
  confirmedBy:
    | { kind: 'objects'; groups: Array<{ name: string; count: number }>; cycles: number }
    | { kind: 'growth'; perCycle: number; firstHalf: number; secondHalf: number }
  /** The `leak` limit that would let it pass: its bytes per cycle + headroom, rounded up. */
  allowance: number
}

/**
 * The leaks of one check, by variant: each broken leak limit. The judge calls a leak only on
 * evidence (judge.ts): objects kept every cycle, or growth above the limit with 95% confidence,
 * steady in both halves and above the noise floor; growth it excuses (one half flat, under the
 * floor, no new object or none twice in the snapshots) is not over, and so never a leak here.
 *
 * `-u` never records a leak as allowed: it would accept the very regression the check is for (a
 * hand-set `leak: 0 B` once became `120 B/cycle`). The check fails under `-u` and says how to allow
 * it by hand. Its other figures (retained, objects) hold what leaked, so they are not recorded either.
 */
export function leaksNotRecorded(record: CheckRecord, headroom: HeadroomRule = DEFAULT_HEADROOM): LeakNotRecorded[] {
  const leaks: LeakNotRecorded[] = []
  for (const subject of ['baseline', 'candidate', 'block'] as const) {
    const kept = record.findings.filter((f) => f.key === 'objectLeak' && f.over && f.subject === subject && f.group)
    const growth = record.findings.find((f) => f.key === 'leak' && f.over && f.subject === subject)
    if (kept.length === 0 && !growth) continue
    const cycles = objectCycles(record, subject)
    const needs: Measured[] = kept.map((f) => ({ value: f.group!.bytes / cycles, uncertainty: 0 }))
    if (growth) needs.push({ value: growth.measured, uncertainty: growth.uncertainty })
    const halves = record[subject]?.growth
    const confirmedBy: LeakNotRecorded['confirmedBy'] = kept.length > 0
      ? { kind: 'objects', groups: kept.map((f) => ({ name: f.group!.name, count: f.measured })), cycles }
      : { kind: 'growth', perCycle: growth!.measured, firstHalf: halves?.firstHalf ?? growth!.measured, secondHalf: halves?.secondHalf ?? growth!.measured }
    leaks.push({ subject, confirmedBy, allowance: Math.max(...needs.map((need) => recommend(need, 'rate', headroom))) })
  }
  return leaks
}

interface Needs {
  needs: Measured[]
  /** A check broke this limit. */
  over: boolean
}

function retainedNeeds(records: readonly CheckRecord[], effective: number | undefined): Needs {
  const result: Needs = { needs: [], over: false }
  for (const record of records) {
    const finding = record.findings.find((f) => f.key === 'retained')
    if (!record.retained || (finding && finding.limit !== effective)) continue // overridden in code
    result.needs.push({ value: record.retained.bytes, uncertainty: record.retained.uncertainty })
    result.over ||= finding?.over ?? false
  }
  return result
}

function findingNeeds(records: readonly CheckRecord[], key: Finding['key'], written: BaselineLimit | undefined): Needs {
  const result: Needs = { needs: [], over: false }
  for (const record of records) {
    const finding = record.findings.find((f) => f.key === key)
    if (!finding || !judgedBy(finding, written)) continue // not measured, or overridden in code
    result.needs.push({ value: finding.measured, uncertainty: finding.uncertainty, ...(finding.relative && { baseline: finding.relative.baseline }) })
    result.over ||= finding.over
  }
  return result
}

/** Was this finding judged by the limit the file sets (not by one the check overrode in code)? */
function judgedBy(finding: Finding, written: BaselineLimit | undefined): boolean {
  if (written === undefined) return false
  if (typeof written === 'number') return finding.relative === undefined && finding.limit === written
  return finding.relative?.share === written.share && finding.relative.most === written.most
}

/**
 * A broken limit written as a share, re-recorded as one. The part that broke (the share, or a `most`
 * beside it; by the judge's rule, the figure less its uncertainty over it) is re-recorded: a share as
 * the share that lets every check's figure and its headroom (recommend) through against that check's
 * baseline, rounded up to 2 significant digits; a most as a size. A part that held is kept as written.
 * Undefined when no share can allow the figure (a baseline that measured nothing: any share of it is
 * 0 B), so that the limit is kept as written.
 */
function recordShare(raw: unknown, written: Exclude<BaselineLimit, number>, needs: readonly Measured[], headroom: HeadroomRule): KeyChange['after'] | undefined {
  const parts = asObject(raw)
  const broke = (limitOf: (need: Measured) => number) => needs.some((need) => need.value - need.uncertainty > limitOf(need))
  let share = typeof raw === 'string' ? raw : parts.share
  if (broke((need) => (written.share / 100) * Math.max(0, need.baseline ?? 0))) {
    share = recordedPercent(Math.max(...needs.map((need) => (recommend(need, 'size', headroom) / (need.baseline ?? 0)) * 100)))
    if (share === undefined) return undefined
  }
  if (written.most === undefined) return share as string
  const most = broke(() => written.most!) ? formatSize(Math.max(...needs.map((need) => recommend(need, 'size', headroom)))) : parts.most
  return { most, share }
}

/** A share to write: percent rounded up to 2 significant digits (`6.37` -> `"6.4%"`); undefined when not finite. */
function recordedPercent(percent: number): string | undefined {
  if (!Number.isFinite(percent)) return undefined
  const digits = Math.floor(Math.log10(Math.max(percent, 1e-9))) + 1
  const step = 10 ** (digits - 2)
  return formatPercent(Math.ceil(Number((percent / step).toFixed(9))) * step)
}

/** A limit as the file writes it (size, share, or both), or undefined when it is none. */
function writtenLimit(raw: unknown): BaselineLimit | undefined {
  if (raw === undefined) return undefined
  try {
    return parseLimit(raw)
  } catch {
    return undefined // validated before recording; a bad value is re-recorded
  }
}

function objectNeeds(records: readonly CheckRecord[], constructor: string, effective: number | undefined): Needs {
  const result: Needs = { needs: [], over: false }
  for (const record of records) {
    const finding = record.findings.find((f) => f.key === 'objects' && f.group?.name === constructor)
    if (!finding || finding.limit !== effective) continue // not read, or overridden in code
    result.needs.push({ value: finding.measured, uncertainty: 0 })
    result.over ||= finding.over
  }
  return result
}

/** Constructors over an `objects` limit, in first-seen order. */
function objectsOver(records: readonly CheckRecord[]): string[] {
  const names = new Set<string>()
  for (const record of records) {
    for (const finding of record.findings) {
      if (finding.key === 'objects' && finding.over && finding.group) names.add(finding.group.name)
    }
  }
  return [...names]
}

function effectiveSize(raw: unknown): number | undefined {
  if (typeof raw !== 'number' && typeof raw !== 'string') return undefined
  try {
    return parseSize(raw)
  } catch {
    return undefined // validated before recording; a bad value is re-recorded
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}
