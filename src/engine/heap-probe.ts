import type { HeapProbe } from './cycles.ts'
import { obtainFullGc, sweepArrayBuffersDuringGc, verifyFullGc } from './full-gc.ts'
import { readHeap } from './heap-reading.ts'

/** The real probe: a verified full GC and exact post-GC readings of this isolate. Throws when gc is not full. */
export function createHeapProbe(): HeapProbe {
  sweepArrayBuffersDuringGc()
  const gc = obtainFullGc()
  verifyFullGc(gc)
  return { gc, read: readHeap }
}
