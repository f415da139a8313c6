import type { ResolvedBudget } from '../budgets/budget.ts'
import type { GrowthEstimate } from '../engine/growth.ts'
import { Z_95 } from '../engine/robust-line.ts'
import type { BudgetMeasurement, CountGrowth, LeakMeasurement } from '../engine/measure.ts'
import type { RetainedEstimate } from '../engine/retained.ts'
import type { KeptSites } from '../engine/allocations/kept-sites.ts'
import type { AllocationMeasurement, DirectSplit, ExtraSite } from '../engine/allocations/index.ts'
import type { ExplainedGroup, PhaseAnalysis } from '../engine/snapshots/analyse.ts'
import type { GrownCollection } from '../engine/collection-census.ts'
import type { GrowingCollection } from '../engine/snapshots/growing-collections.ts'
import { limitInBytes, type ShareOfBaseline } from './relative-limit.ts'

/** Which series a finding is about: the budget's two variants, or toLeakMemory's single block. */
export type Subject = 'baseline' | 'candidate' | 'block'

/**
 * Cycles over which a variant left its objects behind. The candidate's heap snapshots span its
 * warm-up as well as its measured cycles (its one-time costs are its bill), so its counts per cycle
 * divide by both.
 */
export function objectCycles(check: { cycles: number; candidateWarmupRun?: number }, subject: Subject): number {
  return subject === 'candidate' ? check.cycles + (check.candidateWarmupRun ?? 0) : check.cycles
}

export interface Finding {
  /**
   * objects: an `objects` limit; objectLeak: objects of one constructor kept every cycle;
   * allocated, direct: extra bytes allocated per cycle (all, or in the feature's own files); peak: extra peak heap;
   * collectionLeak: a Map, Set or Array that gained an entry a cycle (of values that need not be objects);
   * countLeak: a count the probe reads beside the heap (a browser page's DOM nodes, JS event listeners) that grew steadily.
   */
  key: 'retained' | 'leak' | 'objects' | 'objectLeak' | 'allocated' | 'direct' | 'peak' | 'collectionLeak' | 'countLeak'
  subject: Subject
  /**
   * bytes (retained), bytes per cycle (leak), a count of objects (objects, objectLeak), or of entries
   * added (collectionLeak, whose limit is the leak limit in bytes per cycle)
   */
  measured: number
  limit: number
  /**
   * How far the 95% interval reaches on the side that decides (for a leak, the slope less its lower
   * bound; the interval is not symmetric); a half-width where it is; 0 for figures read from heap snapshots.
   */
  uncertainty: number
  over: boolean
  /** Where a retained figure comes from. */
  source?: 'heap statistics' | 'heap snapshots'
  /**
   * For a retained figure read from a first run's heap statistics: bytes of it the first run kept
   * and a second run, with heap snapshots, did not (a one-time cost, paid once per process), so that
   * the snapshots cannot name them.
   */
  paidOnce?: number
  /** With paidOnce: where what was held at the first run's end was allocated in its measured cycles, sampled (kept-sites.ts). */
  keptSites?: KeptSites
  /** For objects findings: the group of new objects, with its bytes and a retainer path when known. */
  group?: ExplainedGroup
  /** For collectionLeak findings: the collection, its counts, and its retainer path when known. */
  collection?: GrownCollection & Partial<GrowingCollection>
  /** For countLeak findings: which count, and its readings at the start and end of the `cycles` it was fitted over. */
  counted?: { name: string; from: number; to: number; cycles: number }
  /**
   * For a leak finding whose slope is above the limit with 95% confidence, why it is not over:
   * - unsteady: one half of the window did not grow (a one-off step, or growth dying away);
   * - noise floor: steady but under the floor of heap statistics, and no object kept every cycle;
   * - no objects: heap snapshots of the same cycles found no new object at all, so the growth was
   *   V8's own (feedback, inline caches, compiled code's tables), which snapshots leave out;
   * - one-off objects: heap snapshots of the same cycles found no object of any name kept twice.
   */
  excused?: 'unsteady' | 'noise floor' | 'no objects' | 'one-off objects'
  /**
   * For allocated, direct and peak limits written as a share of the baseline's figure (`"2%"`): the
   * share, the baseline's figure it is of, and the size written beside it; `limit` is then what they
   * came to in bytes for this check.
   */
  relative?: ShareOfBaseline
}

/** What the allocation pass measured, with the candidate's extra split by the budget's `sites.direct`. */
export interface AllocationEvidence {
  measurement: AllocationMeasurement
  direct?: DirectSplit<ExtraSite>
}

/** Objects a variant left behind, read from heap snapshots around its measured cycles. */
export interface ObjectEvidence {
  baseline?: PhaseAnalysis
  candidate?: PhaseAnalysis
  block?: PhaseAnalysis
}

export interface Verdict {
  pass: boolean
  /** Every limit checked, over or not, in message order. */
  findings: Finding[]
}

/**
 * Growth under this many bytes per cycle is never called a leak, whatever the limit: in a fresh
 * worker V8's own bookkeeping (inline caches, feedback, lazily built tables) grows by tens of
 * bytes a cycle for dozens of cycles, in steps no compilation marks (bench/RESULTS.md).
 */
export const NOISE_FLOOR = 64

/**
 * Growth that is real and steady, at any size:
 * - the slope is above the limit with 95% confidence;
 * - each half of the window grows beyond the limit on its own, so a one-off step (a table built
 *   on first use, a JIT event) that lands in one half is not growth;
 * - the slower half grows at least a quarter as fast as the whole: growth that dies away is V8 or
 *   a cache settling, while a leak keeps its pace (an every-k-th-cycle leak too, once k is under
 *   half the window).
 */
export function growsSteadily(growth: GrowthEstimate, limit: number): boolean {
  const slowerHalf = Math.min(growth.firstHalf, growth.secondHalf)
  return growth.low > limit && slowerHalf > limit && slowerHalf >= growth.perCycle / 4
}

/** A leak, from heap statistics alone: steady growth above the limit and above the noise floor. */
export function isLeaking(growth: GrowthEstimate, limit: number): boolean {
  return growsSteadily(growth, limit) && growth.perCycle > Math.max(limit, NOISE_FLOOR)
}

/**
 * Growth above the limit with 95% confidence that heap statistics do not call a leak (too small, or
 * not steady): worth heap snapshots to see whether it is objects kept every cycle. Not steady is
 * not enough to let it go: V8 gives back part of a compiling cycle's growth a cycle or two later,
 * and that step down can flatten one half of a 32 B/cycle leak (bench/RESULTS.md, coverage).
 */
export function needsObjectEvidence(growth: GrowthEstimate, limit: number): boolean {
  return growth.low > limit && !isLeaking(growth, limit)
}

/**
 * Heap snapshots around a phase found nothing new that user code holds, and no collection of its
 * grew: whatever the heap grew by in it was V8's own tables (feedback, inline caches, compiled
 * code's metadata), which snapshots leave out. A Map growing by Smis makes no new object, so the
 * collections count too.
 */
export function keepsNothing(phase: PhaseAnalysis): boolean {
  return phase.groups.length === 0 && (phase.collections?.length ?? 0) === 0
}

/**
 * Heap snapshots around a phase found no object of any name kept twice, and no collection that grew:
 * a one-off, not a leak. Growth steady enough to be called a leak grew in both halves of the window,
 * so whatever kept it kept at least two objects over the same cycles; one of a name is a step (Node's
 * Buffer pool swapped for a fresh one while something else still held a slice of the old, in
 * vmForks). Counted over every new object held, folded or not, so that 20 objects in one new array
 * count 20.
 */
export function keepsNothingTwice(phase: PhaseAnalysis): boolean {
  return (phase.instances ?? phase.groups).every((group) => group.count < 2) && (phase.collections?.length ?? 0) === 0
}

/** A first run's retained figure (heap statistics), and where what its candidate held was allocated. */
export interface FirstRun {
  retained: RetainedEstimate
  kept?: KeptSites
}

/**
 * `firstRun`: when `measurement` and `objects` come from a second run with heap snapshots, what the
 * first run, which heap statistics alone judged, retained (see retainedFinding).
 */
export function judgeBudget(
  measurement: BudgetMeasurement,
  budget: ResolvedBudget,
  objects: ObjectEvidence = {},
  allocations?: AllocationEvidence,
  firstRun?: FirstRun,
): Verdict {
  const findings: Finding[] = []
  if (allocations) findings.push(...allocationFindings(budget, allocations))
  if (budget.retained !== undefined) findings.push(retainedFinding(measurement, budget.retained, objects, firstRun))
  findings.push(leakFinding('baseline', measurement.baseline.growth, budget.leak, objects.baseline))
  findings.push(leakFinding('candidate', measurement.candidate.growth, budget.leak, objects.candidate))
  const countLimits = countLimitsOf(budget)
  findings.push(...countLeakFindings('baseline', measurement.baseline.counts, countLimits), ...countLeakFindings('candidate', measurement.candidate.counts, countLimits))
  if (budget.objects && objects.candidate) findings.push(...objectLimitFindings(budget.objects, objects.candidate, objects.baseline))
  // A group already over its objects limit is not listed again as kept every cycle.
  const overLimit = new Set(findings.filter((f) => f.key === 'objects' && f.over).map((f) => f.group!.name))
  for (const subject of ['baseline', 'candidate'] as const) {
    const phase = objects[subject]
    if (!phase) continue
    const leaks = objectLeakFindings(subject, phase, measurement[subject].growth, objectCycles(measurement, subject), budget.leak, subject === 'baseline')
    findings.push(...leaks.filter((f) => subject === 'baseline' || !overLimit.has(f.group!.name)))
  }
  return verdictOf(findings)
}

export function judgeLeak(measurement: LeakMeasurement, limit: number, objects: ObjectEvidence = {}, countLimits: CountLimits = {}): Verdict {
  const findings = [...countLeakFindings('block', measurement.variant.counts, countLimitsOf(countLimits)), leakFinding('block', measurement.variant.growth, limit, objects.block)]
  if (objects.block) findings.push(...objectLeakFindings('block', objects.block, measurement.variant.growth, measurement.cycles, limit, true))
  // With snapshots, the collections they confirm; without, the census's own.
  const collections = objects.block?.collections ?? measurement.collections ?? []
  findings.push(...collectionLeakFindings('block', collections, measurement.cycles, limit))
  return verdictOf(findings)
}

/**
 * Bytes an entry takes in its store at full capacity, with no slack (V8 13.6, 8-byte slots): an
 * array element one slot; a Set entry its key and chain link plus half a bucket; a Map entry key,
 * value and link plus half a bucket. A growing collection costs at least this a cycle per entry
 * added: the leak limit allows a collection that grows by less.
 */
export const ENTRY_BYTES: Record<GrownCollection['kind'], number> = { Array: 8, Set: 20, Map: 28 }

/**
 * A collection that gained an entry a cycle (one cycle of slack: the census kept only those) is a
 * leak whatever its entries are, objects or not, unless its entries' smallest cost per cycle is
 * within the limit.
 */
function collectionLeakFindings(subject: Subject, collections: readonly (GrownCollection & Partial<GrowingCollection>)[], cycles: number, limit: number): Finding[] {
  return collections
    .filter((collection) => collection.to - collection.from >= cycles - 1)
    .map((collection) => {
      const added = collection.to - collection.from
      return { key: 'collectionLeak', subject, measured: added, limit, uncertainty: 0, over: (added / cycles) * ENTRY_BYTES[collection.kind] > limit, collection }
    })
}

/** A budget's or toLeakMemory's limits on browser mode's counts: most added per cycle, 0 unless set. */
export interface CountLimits {
  domNodes?: number
  listeners?: number
}

/** The limits by the names the probe reads the counts under (cdp-probe.ts's DOM_COUNTS). */
function countLimitsOf({ domNodes = 0, listeners = 0 }: CountLimits): Record<string, number> {
  return { 'DOM nodes': domNodes, 'JS event listeners': listeners }
}

/**
 * Counts read beside the heap (a browser page's DOM nodes and JS event listeners) are exact after a
 * full GC: a clean block leaves them where they were, so one that grows steadily past its limit per
 * cycle (in both halves of the cycles, as growsSteadily asks of bytes) is a leak at any rate, a node
 * every 4th cycle too. The limits are a budget's `domNodes` and `listeners`, 0 unless set. One that
 * moved but not steadily, or within its limit, is listed as within, with how far it moved.
 */
function countLeakFindings(subject: Subject, counts: Record<string, CountGrowth> | undefined, limits: Record<string, number> = {}): Finding[] {
  return Object.entries(counts ?? {})
    .filter(([, count]) => count.last !== count.first || count.growth.perCycle !== 0)
    .map(([name, { growth, first, last }]) => {
      const limit = limits[name] ?? 0
      return {
        key: 'countLeak', subject, measured: growth.perCycle, limit, uncertainty: Math.max(0, growth.perCycle - growth.low),
        over: growsSteadily(growth, limit), counted: { name, from: first, to: last, cycles: growth.cycles },
      }
    })
}

/**
 * `allocated` and `direct` fail only when the extra is over the limit by more than the sampling
 * error (95%); `peak` only when its whole 95% interval is, the cycle-to-cycle spread of what garbage
 * each GC caught being its noise (see AllocationMeasurement.extraPeak). A limit written as a share is
 * of the baseline's own figure in this pass (limitInBytes): its allocation per cycle for `allocated`
 * and `direct` (the feature's own code against all the work does), its typical cycle's peak for `peak`.
 */
function allocationFindings(budget: ResolvedBudget, { measurement, direct }: AllocationEvidence): Finding[] {
  const findings: Finding[] = []
  const sampling = Z_95 * Math.hypot(measurement.baseline.samplingError, measurement.candidate.samplingError)
  const volume = measurement.baseline.bytesPerCycle
  if (budget.allocated !== undefined) {
    const measured = measurement.extraBytesPerCycle
    const { bytes: limit, relative } = limitInBytes(budget.allocated, volume)
    findings.push({ key: 'allocated', subject: 'candidate', measured, limit, uncertainty: sampling, over: measured - sampling > limit, ...(relative && { relative }) })
  }
  if (budget.direct !== undefined && direct) {
    const measured = direct.direct.bytesPerCycle
    const error = Z_95 * Math.hypot(...direct.direct.sites.map((site) => site.samplingError ?? 0))
    const { bytes: limit, relative } = limitInBytes(budget.direct, volume)
    findings.push({ key: 'direct', subject: 'candidate', measured, limit, uncertainty: error, over: measured - error > limit, ...(relative && { relative }) })
  }
  // Where heights are not seen (a browser page) a `peak` limit is refused before the check runs.
  const { extraPeak: measured, extraPeakRange } = measurement
  if (budget.peak !== undefined && measured !== undefined && extraPeakRange) {
    // The interval need not be symmetric: the ± shown is the side that decides.
    const uncertainty = measured - extraPeakRange.low
    const { bytes: limit, relative } = limitInBytes(budget.peak, measurement.baseline.cyclePeak!)
    findings.push({ key: 'peak', subject: 'candidate', measured, limit, uncertainty, over: extraPeakRange.low > limit, ...(relative && { relative }) })
  }
  return findings
}

function verdictOf(findings: Finding[]): Verdict {
  return { pass: findings.every((finding) => !finding.over), findings }
}

/**
 * Below this, what a first run kept beyond its second is not told from V8's own first-use growth:
 * the feedback and caches V8 makes for the feature's code the first time it runs, which heap
 * statistics count and heap snapshots leave out (3.2 kB for a feature keeping EE in a new array,
 * bench/RESULTS.md). The same 4 kB as the least headroom `-u` records.
 */
export const ONE_TIME_FLOOR = 4096

/**
 * What a first run retained beyond its second run, when beyond the noise of both and over
 * ONE_TIME_FLOOR: a one-time cost (a cache filled on the feature's first use) that the second run
 * did not pay again. Both figures are heap statistics over the same cycles (the second run's
 * candidate warms up as long): twice their combined 95% half-widths, since two runs differ by a
 * little more than one run's interval says (472 B against ±455 B seen on a block that keeps 2 kB a
 * cycle). Undefined when within them.
 */
export function paidOnceBeyondNoise(first: RetainedEstimate, second: RetainedEstimate): number | undefined {
  const paidOnce = first.bytes - second.bytes
  return paidOnce > Math.max(ONE_TIME_FLOOR, 2 * Math.hypot(first.uncertainty, second.uncertainty)) ? paidOnce : undefined
}

/**
 * With heap snapshots, the exact figure: the candidate's new objects beyond the baseline's. From a
 * second run (`firstRun` given), a one-time cost the first run paid is not paid again, and its
 * snapshots cannot see it: when the first run kept more than the second beyond noise
 * (paidOnceBeyondNoise), its heap statistics call retained over the limit, and the exact figure
 * does not, the first run's figure stands, with what it paid once (paidOnce). Otherwise the exact
 * figure decides, as it would in one run. Left open: a one-time cost within the first run's noise
 * of the limit (under a kB for most blocks) is judged by the second run's exact figure, without it.
 */
function retainedFinding(measurement: BudgetMeasurement, limit: number, objects: ObjectEvidence, firstRun?: FirstRun): Finding {
  if (firstRun && objects.candidate && objects.baseline) {
    const { bytes, uncertainty } = firstRun.retained
    const exact = objects.candidate.bytes - objects.baseline.bytes
    const paidOnce = paidOnceBeyondNoise(firstRun.retained, measurement.retained)
    if (paidOnce !== undefined && bytes - uncertainty > limit && exact <= limit) {
      return { key: 'retained', subject: 'candidate', measured: bytes, limit, uncertainty, over: true, source: 'heap statistics', paidOnce, ...(firstRun.kept && { keptSites: firstRun.kept }) }
    }
  }
  if (objects.candidate && objects.baseline) {
    const bytes = objects.candidate.bytes - objects.baseline.bytes
    return { key: 'retained', subject: 'candidate', measured: bytes, limit, uncertainty: 0, over: bytes > limit, source: 'heap snapshots' }
  }
  const { bytes, uncertainty } = measurement.retained
  // Over only when the whole interval is: a figure within noise of the limit is not a failure.
  return { key: 'retained', subject: 'candidate', measured: bytes, limit, uncertainty, over: bytes - uncertainty > limit, source: 'heap statistics' }
}

/**
 * A retained figure from heap statistics whose 95% interval holds the limit: noise could hide a
 * real excess (10 kB kept reads 7.9 kB ±4.6 kB over five cycles), so the heap snapshots, which
 * give the exact figure, decide.
 */
export function retainedUnsettled(finding: Finding): boolean {
  return finding.key === 'retained' && finding.source === 'heap statistics' && !finding.over && finding.measured + finding.uncertainty > finding.limit
}

/**
 * `objects` limits: new objects the candidate holds beyond the baseline's, per constructor. Every
 * instance counts, folded into another new object or not: a budget of 5 EE must see the 40 a new
 * array holds, though the groups show only the array.
 */
function objectLimitFindings(limits: Record<string, number>, candidate: PhaseAnalysis, baseline?: PhaseAnalysis): Finding[] {
  const instancesOf = (phase: PhaseAnalysis) => phase.instances ?? phase.groups
  const baselineCount = new Map(baseline && instancesOf(baseline).map((group) => [group.name, group.count]))
  const findings: Finding[] = []
  const seen = new Set<string>()
  for (const group of instancesOf(candidate)) {
    seen.add(group.name)
    const limit = limits[group.name] ?? limits['*']
    if (limit === undefined) continue
    const extra = group.count - (baselineCount.get(group.name) ?? 0)
    if (extra <= 0 && !(group.name in limits)) continue
    findings.push({ key: 'objects', subject: 'candidate', measured: Math.max(0, extra), limit, uncertainty: 0, over: extra > limit, group })
  }
  // Constructors the budget names and the candidate did not leave behind: shown as held.
  for (const [name, limit] of Object.entries(limits)) {
    if (name !== '*' && !seen.has(name)) findings.push({ key: 'objects', subject: 'candidate', measured: 0, limit, uncertainty: 0, over: false, group: { name, count: 0, bytes: 0, sampleIds: [] } })
  }
  return findings
}

/**
 * An object kept every cycle is a leak whatever its size, even under the noise floor of heap
 * statistics: a group with a new object per cycle (one cycle of slack), whose bytes per cycle
 * exceed the allowance, in a variant whose heap grew over its cycles. The last condition tells a
 * per-cycle leak from a cache of many objects filled once:
 * - snapshots around the measured cycles only (`measuredOnly`: the block's, the baseline's): the
 *   slope's 95% bound above the limit is enough. A one-time fill is a single step, and a step
 *   leaves most pairs of readings on one side of it, so the lower bound stays at the noise; the
 *   halves test would let a real leak go whenever V8 gives back some of its own growth in one half.
 * - the candidate's snapshots span its warm-up too, where a one-time cost of as many objects as
 *   cycles may have been filled: its growth must also be steady in both halves.
 */
function objectLeakFindings(subject: Subject, phase: PhaseAnalysis, growth: GrowthEstimate, cycles: number, limit: number, measuredOnly: boolean): Finding[] {
  const grew = measuredOnly ? growth.low > limit : growsSteadily(growth, limit)
  if (!grew) return []
  return phase.groups
    .filter((group) => group.count >= cycles - 1 && group.bytes / cycles > limit)
    .map((group) => ({ key: 'objectLeak', subject, measured: group.count, limit: 0, uncertainty: 0, over: true, group }))
}

/**
 * Growth per cycle against the limit, from heap statistics. The ± shown is the side of the 95%
 * interval that decides (the slope less its lower bound): Theil-Sen intervals are not symmetric,
 * and a half-width could hold the limit while the lower bound is above it. With heap snapshots of
 * the same cycles (`phase`), growth in which they found no new object at all is not a leak.
 */
function leakFinding(subject: Subject, growth: GrowthEstimate, limit: number, phase?: PhaseAnalysis): Finding {
  const finding: Finding = { key: 'leak', subject, measured: growth.perCycle, limit, uncertainty: Math.max(0, growth.perCycle - growth.low), over: false }
  if (growth.low <= limit) return finding
  if (!growsSteadily(growth, limit)) return { ...finding, excused: 'unsteady' }
  if (!isLeaking(growth, limit)) return { ...finding, excused: 'noise floor' }
  if (phase && keepsNothing(phase)) return { ...finding, excused: 'no objects' }
  if (phase && keepsNothingTwice(phase)) return { ...finding, excused: 'one-off objects' }
  return { ...finding, over: true }
}
