import v8 from 'node:v8'
// Code and bytecode spaces are left out of peaks as they are out of readings.
import { CODE_SPACES } from '../heap-reading.ts'

/**
 * Peak heap from V8's own GC callbacks (`v8.GCProfiler`): the only place a synchronous block's
 * highest point can be read. Timers never run inside synchronous code, and `maxRSS` is a lifetime
 * high-water mark of the whole process.
 *
 * What it means, exactly: the used heap (V8's data spaces plus external memory, the same bytes a
 * post-GC reading counts: see heap-reading.ts) only falls during a collection (bar external memory
 * freed by hand, as by transferring an ArrayBuffer), so its highest point in a window is reached
 * just before one of the window's GCs. The maximum over the before-GC figures of every GC in the
 * window is therefore the exact high-water mark of the used heap, with no sampling gap. A window that ends with a forced full GC (as every cycle does) always has one
 * sample: a block that builds 16 MB and drops it without any GC of its own is still caught, since
 * the forced GC finds the 16 MB not yet collected.
 *
 * What it is not: the peak of live data. The used heap also holds garbage not yet collected, up to
 * the young generation's capacity (a semi-space grows from 1 MB up to 16 MB with Node's defaults on
 * a 64-bit heap, when many objects survive) plus old-space garbage since the last full GC. A block
 * that holds N bytes live while making garbage reads up to N plus that: 10 MB of garbage a cycle
 * peaked 2.1 MB above its start (a 2 MB semi-space) while holding 1 KB, and a candidate making
 * 200 KB more garbage than its baseline peaked 200 KB higher. Variants that make the same garbage
 * cancel it: their peaks agreed within 1 KB.
 *
 * GCProfiler records in native memory (a JSON stream in C++) and creates JS objects only in stop():
 * a window allocates nothing on the JS heap until it is closed.
 */


/** The part of `v8.GCProfiler`'s result this module reads. */
export interface GcStatistics {
  statistics: readonly {
    gcType: string
    beforeGC: HeapFigures
    afterGC: HeapFigures
  }[]
}

interface HeapFigures {
  heapStatistics: { externalMemory: number }
  heapSpaceStatistics: readonly { spaceName: string; spaceUsedSize: number }[]
}

/** The bytes a post-GC reading counts, from one side of one GC. */
export function dataBytes(figures: HeapFigures): number {
  let bytes = figures.heapStatistics.externalMemory
  for (const space of figures.heapSpaceStatistics) {
    if (space.spaceName !== 'read_only_space' && !CODE_SPACES.has(space.spaceName)) bytes += space.spaceUsedSize
  }
  return bytes
}

/** What a window saw. */
export interface PeakReading {
  /** Highest used heap just before any of its GCs; -1 when there was none. */
  bytes: number
  gcs: number
  /** Used heap just after its last full GC (the forced one that ends a cycle); -1 when there was none. */
  after: number
}

export function peakOf(result: GcStatistics): PeakReading {
  let bytes = -1
  for (const entry of result.statistics) bytes = Math.max(bytes, dataBytes(entry.beforeGC))
  const last = result.statistics.findLast((entry) => entry.gcType === 'MarkSweepCompact')
  return { bytes, gcs: result.statistics.length, after: last ? dataBytes(last.afterGC) : -1 }
}

export interface PeakWindow {
  /** Ends the window. Allocates the profiler's result here: tens of kB, young garbage. */
  close(): PeakReading
}

/** Opens a window over every GC from now until close(). */
export function openPeakWindow(): PeakWindow {
  const profiler = new v8.GCProfiler()
  profiler.start()
  return { close: () => peakOf(profiler.stop()) }
}
