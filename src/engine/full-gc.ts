import v8 from 'node:v8'
import vm from 'node:vm'

/** Runs a full, synchronous, mark-compact collection of the current isolate. */
export type FullGc = () => void

/**
 * A full GC that works in every Vitest pool. `--expose-gc` in `execArgv` breaks the `threads` pool,
 * so the flag is set at run time and `gc` is taken from a fresh context, where V8 installs it.
 * Only `gc()` with no argument is a full collection: `gc(true)` is a scavenge.
 */
export function obtainFullGc(): FullGc {
  const existing = (globalThis as { gc?: unknown }).gc
  if (typeof existing === 'function') return () => existing()
  v8.setFlagsFromString('--expose-gc')
  const gc: unknown = vm.runInNewContext('gc')
  if (typeof gc !== 'function') {
    throw new Error(
      'vitest-memory-budget could not obtain a garbage collector: `--expose-gc` had no effect in this worker. ' +
        'Run Node with --expose-gc, or report this with your Node version and pool.',
    )
  }
  return () => (gc as () => void)()
}

/**
 * Makes post-GC readings exact. V8 frees dead ArrayBuffers' memory on a background thread after a
 * collection, so external memory read straight after gc() still counts some of them: Buffer-heavy
 * blocks then read 64 kB high every other cycle. Sweeping them on the main thread, during gc(),
 * removes that. The flag is process-wide and changes nothing else.
 */
export function sweepArrayBuffersDuringGc(): void {
  v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping')
}

/**
 * Proves, on the Node in use, that `gc` runs a full mark-compact: a scavenge would leave old-space
 * garbage in every reading and turn noise into fake leaks. Throws when it does not.
 */
export function verifyFullGc(gc: FullGc): void {
  const profiler = new v8.GCProfiler()
  profiler.start()
  gc()
  const types = profiler.stop().statistics.map((entry) => entry.gcType)
  if (!types.includes('MarkSweepCompact')) {
    throw new Error(
      `vitest-memory-budget needs a full garbage collection, but gc() ran ${types.join(', ') || 'nothing'} ` +
        `on Node ${process.version}. Memory readings would include garbage; refusing to measure.`,
    )
  }
}
