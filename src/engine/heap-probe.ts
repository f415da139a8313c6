import type { HeapProbe } from './cycles.ts'
import { obtainFullGc, sweepArrayBuffersDuringGc, verifyFullGc } from './full-gc.ts'
import { createEpilogueReading, readCode, readHeap, readsInGcEpilogue } from './heap-reading.ts'

/** The real probe: a verified full GC and exact post-GC readings of this isolate. Throws when gc is not full. */
export function createHeapProbe(): HeapProbe {
  sweepArrayBuffersDuringGc()
  const gc = obtainFullGc()
  verifyFullGc(gc)
  // Node 20 (V8 11): read in the GC epilogue, see readsInGcEpilogue. No V8 flag does it at run time.
  return readsInGcEpilogue() ? createEpilogueReading(gc) : { gc, read: readHeap, code: readCode }
}
