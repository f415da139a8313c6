/**
 * The truth tests' own way of reading memory, independent of the project's engine: full GC, then
 * the V8 heap less its code spaces, plus ArrayBuffer memory.
 *
 * - Code spaces hold JIT output, which moves at fixed points of tier-up (tens of KB in one cycle) and
 *   is not data a fixture keeps. Counting it, clean blocks read up to ~2 KB/cycle; without, < 90 B.
 * - After a full GC, V8 frees dead ArrayBuffers' memory on a background thread, so a reading taken
 *   straight after gc() may still count them: up to ~900 KB from one reading to the next, in both
 *   `process.memoryUsage().arrayBuffers` and `v8.getHeapStatistics().external_memory` (the latter
 *   more often). A following minor GC finishes that sweep first; then the two agree to the byte, in
 *   forks and in threads workers (each worker thread has its own allocator). arrayBuffers is used: it
 *   counts ArrayBuffer memory only, where external_memory also takes other external allocations.
 */
import v8 from 'node:v8'
import vm from 'node:vm'

v8.setFlagsFromString('--expose-gc')
/** On Node 24, `gc()` with no argument runs a full, synchronous Mark-Compact; `type: 'minor'` a scavenge. */
const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' }) => void

const CODE_SPACES = new Set(['code_space', 'code_large_object_space', 'trusted_space', 'trusted_large_object_space'])

/** Heap data plus ArrayBuffer memory, in bytes. Read the total first, before this call allocates. */
export function readBytes(): number {
  let bytes = v8.getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers
  for (const space of v8.getHeapSpaceStatistics()) {
    if (CODE_SPACES.has(space.space_name)) bytes -= space.space_used_size
  }
  return bytes
}

/**
 * Lets pending callbacks and their promises finish, then collects everything unreachable. The minor
 * GC is for its start, where V8 completes the full GC's ArrayBuffer sweep.
 */
export async function settle(): Promise<void> {
  await new Promise(resolve => setImmediate(resolve))
  await new Promise(resolve => setImmediate(resolve))
  gc()
  gc({ type: 'minor' })
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
