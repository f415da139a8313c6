import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { callBlock, collectAndRead, makeContexts, runCycles, runUncollected, type Block, type CycleContext, type HeapProbe } from '../cycles.ts'
import { createHeapProbe } from '../heap-probe.ts'
import { createSeries } from '../heap-reading.ts'
import { WARMUP_EXTENSION, type MeasurePlan } from '../measure.ts'
import { CheckProgress, Loop } from '../progress.ts'
import { settle } from '../settle.ts'
import { obtainScavenge } from '../full-gc.ts'
import { median } from '../robust-line.ts'
import { shiftBetween, type Shift } from '../shift.ts'
import { openPeakWindow } from './peak.ts'
import { openHeapSampler, type SamplingProfile } from './sampling.ts'
import { splitProfile } from './split-profile.ts'
import { extraSites, fileOf, reduceProfile, type AllocationSite, type ExtraSite, type ProfileCallFrame, type ProfileNode } from './sites.ts'
import { now } from '../own-timers.ts'

/**
 * The allocation pass: how much each variant allocates per cycle (garbage included), where, and how
 * high its heap goes. It runs apart from the retained pass, on cycles of its own: the sampler slows
 * the block down, and reading its profile builds megabytes of objects in the measured isolate.
 *
 * The peak rides here rather than in the retained pass. A GCProfiler open across the retained pass
 * does not move its post-GC readings (15 fresh-process runs each way on three clean fixtures: same
 * slopes, retained estimates within the run-to-run spread), but a peak per cycle needs a window that
 * ends with each cycle, and stopping a GCProfiler allocates its result there, inside the one loop
 * the retained pass keeps free of the tool's changes. Here the result's garbage is cleared by a
 * scavenge before the next cycle (0.05 ms, where a full GC of a Vitest worker takes several), and
 * the sampler does not change the heap's height (peaks with and without it within 2 KB).
 *
 * Give it a block of its own (a fresh `create()`), or expect what an earlier pass already paid for
 * (a cache filled, code compiled) to be missing from the candidate's bill.
 */

/**
 * Average bytes between samples: 512. The sampler's error on a total of B bytes of objects smaller
 * than the interval has a standard deviation of at most sqrt(interval x B) (objects far larger are
 * sampled almost surely); its cost is about 0.7 us a sample, with the profile read at the end
 * growing with the count. Measured on the fixtures (bench/allocations.ts, 20 cycles a variant):
 * - Volume is not what decides: at 1024, 100 KB a cycle read within 2.2% (1 sd) and 1 MB within
 *   0.7%; at 4096 100 KB still strayed up to 10% in 12 runs.
 * - Sites are: a shared site's floored difference is noise charged as extra. At 1024 the 1 MB a
 *   cycle both variants make in one function read up to +21 KB extra by chance, leaving the 200 KB
 *   telemetry function 90.4% of the extra in one run of 20 (91.9% worst of 30 more); at 512 the
 *   worst of 30 was 95.8%.
 * - Time: the pass is mostly its full GCs and warm-up. From 1024 to 512 the 10 MB-a-cycle fixture's
 *   sampled cycles went from about x1.3 to x1.6-1.7 their unsampled time, the whole pass about +10%.
 * Blocks that allocate hundreds of MB a cycle make millions of samples at 512: give them a larger
 * interval (the error stays small, since it shrinks with the volume).
 */
export const DEFAULT_SAMPLING_INTERVAL = 512

export type AllocationPlan = Pick<MeasurePlan, 'cycles' | 'warmup' | 'firstCycle'>

export interface AllocationOptions {
  /** Average bytes between samples. @default 512 (DEFAULT_SAMPLING_INTERVAL) */
  samplingInterval?: number
  /** How to collect and read the heap; a verified full GC of this isolate by default. */
  probe?: HeapProbe
  /** Tracks the cycle under way; setting its `aborted` stops the pass at the next cycle boundary. */
  progress?: CheckProgress
}

export interface AllocationVariant {
  /**
   * Bytes allocated on the V8 heap per cycle, garbage included: the sampler's estimate over the
   * variant's cycles, divided by them. Off-heap memory (ArrayBuffer contents) is not in it, nor
   * what the measuring tool itself allocates (`toolBytesPerCycle`).
   */
  bytesPerCycle: number
  /** Upper bound of one standard deviation of bytesPerCycle from sampling alone: sqrt(interval x total) / cycles. */
  samplingError: number
  /**
   * Highest used heap during the variant's cycles, in bytes: V8's data spaces plus external memory,
   * as a post-GC reading counts them, but with the garbage not yet collected at that moment. Exact
   * for the used heap (it peaks just before a GC, and every GC is seen); above the live peak by the
   * garbage present then (see peak.ts). This and the other heights are absent where the probe
   * sees no GC-by-GC figures (a browser page).
   */
  peak?: number
  /** `peak` minus the post-GC heap just before the variant's first cycle. */
  peakAboveStart?: number
  /** Each cycle's highest used heap above that cycle's own start (the post-GC heap before it). */
  cyclePeaks?: number[]
  /** The median of cyclePeaks: how high a typical cycle goes. */
  cyclePeak?: number
  /** Bytes per cycle by allocating function, largest first. */
  sites: AllocationSite[]
  /** Samples the variant's estimate rests on. */
  samples: number
  /** Bytes per cycle allocated by the engine's own frames (its loop, `settle`), left out of the above. */
  toolBytesPerCycle: number
  /** Garbage collections during the cycles, the forced one after each cycle included; absent where they cannot be counted (a browser page). */
  gcs?: number
  /** The variant's part of the sampler's call tree, selfSize in bytes over all its cycles (the list of samples is dropped: it grows with them). */
  profile: ProfileNode
  /** Time the variant's cycles took under the sampler. */
  cyclesMs: number
}

export interface AllocationMeasurement extends AllocationPlan {
  kind: 'allocations'
  samplingInterval: number
  /** Warm-up cycles actually run (`enabled: false`, unsampled): up to WARMUP_EXTENSION times `warmup`, until V8 stops compiling. */
  warmupRun: number
  /** One past the last `cycle` the block received: where a further run over the same block starts. */
  nextCycle: number
  baseline: AllocationVariant
  candidate: AllocationVariant
  /** candidate.bytesPerCycle - baseline.bytesPerCycle: negative when the candidate allocates less. */
  extraBytesPerCycle: number
  /** Sites where the candidate allocates more than the baseline, largest first, with their shares. */
  extraSites: ExtraSite[]
  /**
   * How much higher the candidate's heap goes in a cycle: the Hodges-Lehmann shift from the
   * baseline's cyclePeaks to the candidate's. Each cycle is measured from its own start, so what was
   * retained before it (the baseline's leak, a variant's growth) is not counted as peak.
   *
   * Not the difference of the two maxima: a maximum is one GC's reading, and how much garbage that
   * GC caught varies by up to the young generation's size. The telemetry example's maxima differed
   * by +151 to +170 kB in most runs and by +308 kB once in 200 (bench/SOAK.md); a budget that fails
   * on one wild GC is a flaky test. The shift is what a typical cycle costs, with an interval.
   * Absent, with its range, where heights are not seen (a browser page).
   */
  extraPeak?: number
  /** 95% interval of extraPeak. */
  extraPeakRange?: Pick<Shift, 'low' | 'high'>
  durationMs: number
}

/**
 * The engine's own folder: frames there are the tool's loop and helpers, not the user's code. From
 * the module's path, not `new URL('../', import.meta.url)`: Vite rewrites that pattern as an asset
 * URL (an http: one) when it transforms this file for a DOM test environment (jsdom, happy-dom).
 */
const ENGINE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url))) + path.sep
export const isTool = (file: string): boolean => file.startsWith(ENGINE_DIR)

/** Name of the function whose allocations mark the cut between the variants in the profile. */
const MARKER = 'allocationPassBoundary'
const isMarker = (frame: ProfileCallFrame): boolean => frame.functionName === MARKER && isTool(fileOf(frame.url))

/** Arrays of 48 + 8 x 8186 = 65,536 bytes: below V8's large-object size, so `new Array` makes one plain array. */
const MARKER_SLOTS = 8186
const MARKER_CHUNK = 48 + 8 * MARKER_SLOTS
/** Marker bytes per interval: the odds that none of them is sampled are exp(-40), about 4e-18. */
const MARKER_INTERVALS = 40
/** Largest interval allowed: its marker is 40 MiB of garbage. Past 64 KiB the estimates are too coarse to use anyway. */
export const MAX_SAMPLING_INTERVAL = 1024 * 1024

/** The last marker chunk: each escapes here, so no compiler can drop it, and is garbage once replaced. */
let markerSink: unknown

/**
 * Allocates the marker: 40 intervals' worth of 64 KB arrays, sampled almost surely, none kept (a
 * kept one would survive scavenges and make V8 grow the young generation before the candidate).
 */
function allocationPassBoundary(interval: number): void {
  const chunks = Math.ceil((MARKER_INTERVALS * interval) / MARKER_CHUNK)
  for (let i = 0; i < chunks; i++) markerSink = new Array(MARKER_SLOTS)
  markerSink = undefined
}

/**
 * Warm-up (baseline, unsampled), then `cycles` baseline cycles and `cycles` candidate cycles under
 * one sampling session, each variant under a GC window of its own. As in the retained pass, every
 * cycle ends with pending work settled and a full GC, so garbage never carries from one cycle to
 * the next and the forced GC's before-GC heap samples each cycle's end for the peak.
 */
export async function measureAllocations(
  block: Block,
  plan: AllocationPlan,
  options: AllocationOptions = {},
): Promise<AllocationMeasurement> {
  const started = now()
  const { cycles, warmup } = plan
  if (!Number.isInteger(cycles) || cycles < 1) throw new RangeError(`cycles must be a whole number of at least 1; got ${cycles}`)
  const interval = options.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL
  if (!Number.isInteger(interval) || interval < 1 || interval > MAX_SAMPLING_INTERVAL) {
    throw new RangeError(`samplingInterval must be a whole number of bytes from 1 to ${MAX_SAMPLING_INTERVAL}; got ${interval}`)
  }
  const probe = options.probe ?? createHeapProbe()
  const progress = options.progress ?? new CheckProgress()
  const firstCycle = plan.firstCycle ?? 0
  const warmupRun = warmup === 0 ? 0 : await warmUp(block, makeContexts(false, firstCycle, warmup * WARMUP_EXTENSION), probe, warmup, progress)
  const measuredCycle = firstCycle + warmupRun
  const baselineContexts = makeContexts(false, measuredCycle, cycles)
  const candidateContexts = makeContexts(true, measuredCycle + cycles, cycles)
  const sampled = probe.remote
    ? await sampleRemote(block, [baselineContexts, candidateContexts], probe, interval, progress)
    : await sampleHere(block, [baselineContexts, candidateContexts], probe, interval, progress)
  const tool = probe.sampler?.isTool ?? isTool
  const baseline = variantOf(sampled.baseline, cycles, interval, tool)
  const candidate = variantOf(sampled.candidate, cycles, interval, tool)
  const peaks = baseline.cyclePeaks && candidate.cyclePeaks ? shiftBetween(baseline.cyclePeaks, candidate.cyclePeaks) : undefined
  return {
    kind: 'allocations',
    cycles,
    warmup,
    samplingInterval: interval,
    warmupRun,
    nextCycle: measuredCycle + 2 * cycles,
    baseline,
    candidate,
    extraBytesPerCycle: candidate.bytesPerCycle - baseline.bytesPerCycle,
    extraSites: extraSites(candidate.sites, baseline.sites, { interval, cycles }),
    ...(peaks && { extraPeak: peaks.estimate, extraPeakRange: { low: peaks.low, high: peaks.high } }),
    durationMs: now() - started,
  }
}

/** One variant's sampled cycles: its part of the profile, and its heights when they could be seen. */
interface SampledVariant {
  tree: ProfileNode
  samples: number
  gcs?: number
  peaks?: Pick<VariantRun, 'start' | 'peaks' | 'starts'>
  cyclesMs: number
}

type VariantContexts = readonly [baseline: readonly CycleContext[], candidate: readonly CycleContext[]]

/**
 * This isolate: one sampling session across both variants, cut at the marker afterwards (stopping
 * it between them would build its profile here, see split-profile.ts), each cycle in a GC window
 * of its own for the peak.
 */
async function sampleHere(block: Block, [baselineContexts, candidateContexts]: VariantContexts, probe: HeapProbe, interval: number, progress: CheckProgress) {
  const scavenge = obtainScavenge()
  const sampler = openHeapSampler()
  let profile: SamplingProfile
  let baselineRun: VariantRun
  let candidateRun: VariantRun
  try {
    await sampler.start(interval)
    baselineRun = await runVariant(block, baselineContexts, probe, scavenge, progress)
    allocationPassBoundary(interval)
    candidateRun = await runVariant(block, candidateContexts, probe, scavenge, progress)
    profile = await sampler.stop()
  } finally {
    sampler.close()
  }
  const halves = splitProfile(profile, isMarker)
  const sampledOf = (run: VariantRun, tree: ProfileNode, samples: number): SampledVariant => ({ tree, samples, gcs: run.gcs, peaks: run, cyclesMs: run.cyclesMs })
  return { baseline: sampledOf(baselineRun, halves.before, halves.samplesBefore), candidate: sampledOf(candidateRun, halves.after, halves.samplesAfter) }
}

/**
 * Another isolate (a browser page), through the probe's sampler: its profile is built outside the
 * measured heap, so the sampler is simply stopped after the baseline and started again for the
 * candidate, and no marker is needed. Its heights are not seen: no GC-by-GC figures reach here.
 */
async function sampleRemote(block: Block, contexts: VariantContexts, probe: HeapProbe, interval: number, progress: CheckProgress) {
  const sampler = probe.sampler
  if (!sampler) throw new Error("vitest-memory-budget: this heap's probe has no allocation sampler; allocation cannot be measured here.")
  const variants: SampledVariant[] = []
  try {
    for (const variantContexts of contexts) {
      progress.startLoop(Loop.measured)
      // The variant's cycles start on a collected heap, as here the other variant's garbage is gone.
      await collectAndRead(probe, createSeries(1), 0)
      await sampler.start(interval)
      const started = now()
      for (let i = 0; i < variantContexts.length; i++) {
        // The page's runner settles what the block left queued before it returns.
        await callBlock(block, variantContexts[i]!, progress, i)
        const collecting = probe.gc()
        if (collecting) await collecting
      }
      const cyclesMs = now() - started
      const profile = await sampler.stop()
      variants.push({ tree: profile.head, samples: profile.samples.length, cyclesMs })
    }
  } finally {
    await sampler.close()
  }
  return { baseline: variants[0]!, candidate: variants[1]! }
}

/**
 * Warm-up cycles of this pass that end with a full GC, as measured cycles do: the last of its
 * warm-up; the rest run without one (runUncollected), since compiling the block needs calls, not
 * collections. Six, because V8 flushes the bytecode of a function unused over 6 full GCs
 * (--bytecode-old-age): code only the first calls ran is dropped here, not in the measured cycles.
 * Only this pass, which reads sampled allocations, warms up so: before the passes that read the
 * heap, uncollected cycles (6 to 14 of 20 tried) moved clean budgets' retained from +0.8 kB to -1 to
 * -2.4 kB and steady leaks 50-80 B/cycle high, where this pass's volumes did not move; run inside
 * runCycles instead (the GC skipped, the reading kept), they raised clean budgets' retained by 0.7-1
 * kB and, here, a 10 MB garbage block's extra peak to +2 MB ± 2 MB (bench/RESULTS.md, issue 14).
 */
const COLLECTED_WARMUP = 6

/** Warm-up: at least `warmup` cycles (more while V8 compiles), the last COLLECTED_WARMUP of them collected. Returns the cycles run. */
async function warmUp(block: Block, contexts: readonly CycleContext[], probe: HeapProbe, warmup: number, progress: CheckProgress): Promise<number> {
  const collected = Math.min(COLLECTED_WARMUP, warmup)
  const uncollected = warmup - collected
  const ran = uncollected === 0 ? 0 : await runUncollected(block, contexts, probe, { progress, stopWhenQuiet: uncollected, count: uncollected * WARMUP_EXTENSION })
  const series = createSeries(1 + collected * WARMUP_EXTENSION)
  return ran + (await runCycles(block, contexts, probe, series, 0, { progress, first: ran, stopWhenQuiet: collected, count: collected * WARMUP_EXTENSION }))
}

interface VariantRun {
  /** Post-GC heap before the first cycle. */
  start: number
  /** Each cycle's highest used heap, absolute (never below its start). */
  peaks: Float64Array
  /** Each cycle's start: the post-GC heap before it. */
  starts: Float64Array
  gcs: number
  cyclesMs: number
}

/**
 * One variant's cycles, each inside a GC window of its own. A window's result is tens of kB of
 * young garbage, made after the cycle's forced GC: a scavenge clears it before the next cycle, or
 * the next cycle's peak would include it.
 */
async function runVariant(
  block: Block,
  contexts: readonly CycleContext[],
  probe: HeapProbe,
  scavenge: () => void,
  progress: CheckProgress,
): Promise<VariantRun> {
  const peaks = new Float64Array(contexts.length)
  const starts = new Float64Array(contexts.length)
  let gcs = 0
  progress.startLoop(Loop.measured)
  // A clean start: what came before (the marker, the previous variant's results) is collected here.
  const start = createSeries(1)
  await collectAndRead(probe, start, 0)
  // Reading the heap made garbage of its own: the first cycle starts as clean as the others.
  scavenge()
  let cycleStart = start.data[0]!
  const cyclesStarted = now()
  for (let i = 0; i < contexts.length; i++) {
    const context = contexts[i]!
    const window = openPeakWindow()
    try {
      await callBlock(block, context, progress, i)
      await settle()
      const collecting = probe.gc()
      if (collecting) await collecting
    } finally {
      const reading = window.close()
      scavenge()
      starts[i] = cycleStart
      peaks[i] = Math.max(reading.bytes, cycleStart)
      gcs += reading.gcs
      if (reading.after >= 0) cycleStart = reading.after
    }
  }
  return { start: start.data[0]!, peaks, starts, gcs, cyclesMs: now() - cyclesStarted }
}

function variantOf(sampled: SampledVariant, cycles: number, interval: number, tool: (file: string) => boolean): AllocationVariant {
  const reduced = reduceProfile(sampled.tree, { cycles, isTool: tool })
  const run = sampled.peaks
  const heights = run && {
    peak: Math.max(run.start, ...run.peaks),
    cyclePeaks: Array.from(run.peaks, (bytes, i) => bytes - run.starts[i]!),
  }
  return {
    bytesPerCycle: reduced.bytesPerCycle,
    samplingError: Math.sqrt(interval * reduced.bytesPerCycle * cycles) / cycles,
    ...(heights && {
      peak: heights.peak,
      peakAboveStart: heights.peak - run.start,
      cyclePeaks: heights.cyclePeaks,
      cyclePeak: median(Float64Array.from(heights.cyclePeaks).sort()),
    }),
    sites: reduced.sites,
    samples: sampled.samples,
    toolBytesPerCycle: reduced.toolBytesPerCycle,
    ...(sampled.gcs !== undefined && { gcs: sampled.gcs }),
    profile: sampled.tree,
    cyclesMs: sampled.cyclesMs,
  }
}
