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
  const gc = rawGc()
  return () => gc()
}

/**
 * A scavenge: collects the young generation only, in well under a millisecond. For clearing what
 * the tool itself just made (a GC profiler's result) without the cost of a full collection.
 */
export function obtainScavenge(): () => void {
  const gc = rawGc()
  return () => gc(true)
}

type RawGc = (minor?: boolean) => void
let found: RawGc | undefined

/** V8's `gc`, from globalThis or a fresh context; found once per isolate. */
function rawGc(): RawGc {
  if (found) return found
  const existing = (globalThis as { gc?: unknown }).gc
  if (typeof existing === 'function') return (found = existing as RawGc)
  v8.setFlagsFromString('--expose-gc')
  // `typeof`, not a bare `gc`: where gc is missing (`--expose-gc-as` renames it), a bare name throws
  // a ReferenceError that says nothing of why a garbage collector is needed.
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined')
  if (typeof gc !== 'function') {
    throw new Error(
      'vitest-memory-budget cannot force a garbage collection in this worker: no gc() function, even after ' +
        'setting --expose-gc at run time. Memory checks need a full GC after every cycle, and refuse to ' +
        'measure without one. Check the workers\' flags (execArgv, NODE_OPTIONS) for one that removes or ' +
        'renames gc, such as --expose-gc-as; else run Node with --expose-gc, or report this with your Node ' +
        'version and pool.',
    )
  }
  return (found = gc as RawGc)
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
