import v8 from 'node:v8'
import type { FullGc } from './full-gc.ts'

/**
 * Spaces that hold V8's compiled code and bytecode. They grow and shrink as functions tier up,
 * deoptimise and have their bytecode flushed, on V8's schedule rather than the block's: counting
 * them turns JIT activity into fake leaks and skews one-time costs (bench/RESULTS.md). User data
 * never lives there; a closure's JSFunction and context are in old space and still count.
 */
export const CODE_SPACES: ReadonlySet<string> = new Set([
  'code_space',
  'code_large_object_space',
  'trusted_space',
  'trusted_large_object_space',
  'shared_trusted_space',
  'shared_trusted_large_object_space',
])

/** Post-GC readings, one slot per cycle, allocated before the first cycle. */
export interface HeapSeries {
  /** Bytes held for data: every object space plus external memory (ArrayBuffers, Buffers). */
  data: Float64Array
  /** Bytes of JIT code and bytecode: not counted, but a change marks a cycle where V8 was compiling. */
  code: Float64Array
  /**
   * Counts the probe reads beside the heap, by name (HeapProbe.counts): a browser page's DOM nodes
   * and JS event listeners, exact after a full GC. Absent in a Node worker.
   */
  counts?: Record<string, Float64Array>
}

export function createSeries(length: number, countNames: readonly string[] = []): HeapSeries {
  const series: HeapSeries = { data: new Float64Array(length), code: new Float64Array(length) }
  if (countNames.length > 0) series.counts = Object.fromEntries(countNames.map((name) => [name, new Float64Array(length)]))
  return series
}

/**
 * Records the heap at `index`. Call it straight after a full GC. It allocates a few small result
 * objects, which are garbage before the next collection and so never appear in a reading.
 */
export function readHeap(series: HeapSeries, index: number): void {
  record(series, index, v8.getHeapSpaceStatistics(), (space) => space.space_name, (space) => space.space_used_size)
}

/** Bytes in the code spaces now, garbage included: read between collections, it changes only as V8 compiles (or collects on its own). */
export function readCode(): number {
  let code = 0
  for (const space of v8.getHeapSpaceStatistics()) if (CODE_SPACES.has(space.space_name)) code += space.space_used_size
  return code
}

/** Sums `spaces` into data and code at `index`, with the external memory of now. */
function record<Space>(series: HeapSeries, index: number, spaces: readonly Space[], name: (space: Space) => string, used: (space: Space) => number): void {
  let data = v8.getHeapStatistics().external_memory
  let code = 0
  for (const space of spaces) {
    if (name(space) === 'read_only_space') continue
    if (CODE_SPACES.has(name(space))) code += used(space)
    else data += used(space)
  }
  series.data[index] = data
  series.code[index] = code
}

/**
 * Whether this V8 needs the heap read inside gc() rather than after it. On V8 11 (Node 20), gc()
 * returns with a linear allocation area in old space that getHeapSpaceStatistics counts as used,
 * 4 kB to a whole 256 kB page depending on which free chunk it came from: readings swing by
 * ±200 kB from one cycle to the next, and objects the block keeps are placed in that area, already
 * counted, so a leak reads as flat or shrinking. V8's own tally in its GC epilogue is exact there.
 * V8 12 and later (Node 22, 24) read the same after gc() as in the epilogue, to a constant.
 */
export function readsInGcEpilogue(v8Version: string = process.versions.v8): boolean {
  return Number.parseInt(v8Version, 10) < 12
}

/**
 * A full GC that also keeps V8's space statistics as its epilogue saw them, and the reader that
 * records them: the pair replaces gc and readHeap where readsInGcEpilogue. External memory is still
 * read after gc(), as readHeap does, once dead ArrayBuffers are swept.
 */
export function createEpilogueReading(gc: FullGc): { gc: FullGc; read: (series: HeapSeries, index: number) => void; code: () => number } {
  let spaces: v8.HeapSpaceStatistics[] | undefined
  return {
    gc() {
      const profiler = new v8.GCProfiler()
      profiler.start()
      gc()
      const statistics = profiler.stop()?.statistics ?? []
      spaces = undefined
      for (const entry of statistics) if (entry.gcType === 'MarkSweepCompact') spaces = entry.afterGC.heapSpaceStatistics
    },
    read(series, index) {
      if (spaces === undefined) throw new Error('vitest-memory-budget read the heap without a full GC before it; please report this with your Node version.')
      record(series, index, spaces, (space) => space.spaceName, (space) => space.spaceUsedSize)
      spaces = undefined
    },
    code: readCode,
  }
}
