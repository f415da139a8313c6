import { isTool } from './measure-allocations.ts'
import { openHeapSampler, type HeapSampler } from './sampling.ts'
import { reduceProfile, type AllocationSite } from './sites.ts'

/**
 * Where the objects still held at the end of a run's cycles were allocated: V8's sampling heap
 * profiler with garbage dropped, started before the run's first measured reading and stopped after
 * its last. It names a one-time cost (a cache filled on a feature's first use) from the run that
 * pays it, which a second run with heap snapshots cannot, since it does not pay it again; and it
 * costs a sample every KEPT_SAMPLING_INTERVAL bytes allocated, where three heap snapshots cost half
 * a check.
 *
 * Its figures are estimates (a total of B bytes kept reads within about sqrt(4096 x B), 1 sd: 29 kB
 * on 205 kB); heap statistics give the retained figure, the sites say where it is. Starting it
 * leaves about 1.1 kB on the JS heap while it runs (Node 24: 1,128 B, the same in every reading
 * after): so it starts before the first reading it spans, never between two a figure compares. A
 * cut between the variants would need a mark, and reading the profile there left 15 kB.
 */
export interface KeptSites {
  /** Sites by bytes still held, largest first; `bytesPerCycle` is the site's whole estimate, not per cycle. */
  sites: AllocationSite[]
  /** Their sum, in bytes. */
  bytes: number
  samplingInterval: number
}

/** Coarse on purpose: one-time costs worth naming are kilobytes, and allocation-heavy blocks pay per sample. */
export const KEPT_SAMPLING_INTERVAL = 4096

/** Sites recorded: the message shows a few; the report a few more. */
const KEPT_SITES = 5

export interface KeptSampler {
  /** Starts sampling; false when the profiler cannot be had (another session sampling), and the phase goes unnamed. */
  start(): Promise<boolean>
  /** Stops, and reads where what is still alive was allocated; undefined when start failed. */
  stop(): Promise<KeptSites | undefined>
  /** Ends the session (and its sampling) if stop did not: for a phase cut short. */
  close(): void
}

/** Opened before the readings it must not disturb: its session is then part of all of them. */
export function openKeptSampler(): KeptSampler {
  let sampler: HeapSampler | undefined = openHeapSampler()
  return {
    async start() {
      try {
        await sampler!.start(KEPT_SAMPLING_INTERVAL, { garbage: false })
        return true
      } catch {
        sampler!.close()
        sampler = undefined
        return false
      }
    },
    async stop() {
      if (!sampler) return undefined
      try {
        const { head } = await sampler.stop()
        // The list of samples is dropped here: only the tree's live bytes are read.
        const { sites, bytesPerCycle } = reduceProfile(head, { cycles: 1, isTool })
        return { sites: sites.slice(0, KEPT_SITES), bytes: bytesPerCycle, samplingInterval: KEPT_SAMPLING_INTERVAL }
      } finally {
        this.close()
      }
    },
    close() {
      sampler?.close()
      sampler = undefined
    },
  }
}
