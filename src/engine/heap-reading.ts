import v8 from 'node:v8'

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
}

export function createSeries(length: number): HeapSeries {
  return { data: new Float64Array(length), code: new Float64Array(length) }
}

/**
 * Records the heap at `index`. Call it straight after a full GC. It allocates a few small result
 * objects, which are garbage before the next collection and so never appear in a reading.
 */
export function readHeap(series: HeapSeries, index: number): void {
  let data = v8.getHeapStatistics().external_memory
  let code = 0
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name === 'read_only_space') continue
    if (CODE_SPACES.has(space.space_name)) code += space.space_used_size
    else data += space.space_used_size
  }
  series.data[index] = data
  series.code[index] = code
}
