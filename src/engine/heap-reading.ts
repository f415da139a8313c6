import v8 from 'node:v8'

/**
 * Spaces that hold V8's compiled code and bytecode. They grow and shrink as functions tier up,
 * deoptimise and have their bytecode flushed, on V8's schedule rather than the block's: counting
 * them turns JIT activity into fake leaks and skews one-time costs by 10% (bench/RESULTS.md).
 * User data never lives there; a closure's JSFunction and context are in old space and still count.
 */
const CODE_SPACES = new Set([
  'code_space',
  'code_large_object_space',
  'trusted_space',
  'trusted_large_object_space',
  'shared_trusted_space',
  'shared_trusted_large_object_space',
  'read_only_space',
])

/**
 * Bytes the isolate holds for data: used size of every object space, plus external memory
 * (ArrayBuffers and Buffers live outside the V8 heap; a leak of Buffers is a leak).
 * Call it straight after a full GC. It allocates a few small result objects, which are garbage
 * before the next collection and so never appear in a reading.
 */
export function readDataBytes(): number {
  let bytes = v8.getHeapStatistics().external_memory
  for (const space of v8.getHeapSpaceStatistics()) {
    if (!CODE_SPACES.has(space.space_name)) bytes += space.space_used_size
  }
  return bytes
}
