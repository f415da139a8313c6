import { Session } from 'node:inspector/promises'
import type { ProfileNode } from './sites.ts'

/**
 * V8's sampling heap profiler, through an inspector session on this isolate (the main thread, or
 * the worker thread a Vitest `threads` pool runs in: a session sees only its own isolate). It counts
 * garbage too only with both include flags; without them it keeps just the samples still alive
 * when stopped, about 0.2% of a garbage-heavy block's volume.
 *
 * It sees the V8 heap only. ArrayBuffer and Buffer contents live outside it: a `Buffer.alloc(1e6)`
 * a cycle reads about 1 KB a cycle (its wrapper objects and Node's bookkeeping), not its megabyte.
 * The peak (peak.ts) does count it, as external memory.
 */

/** `HeapProfiler.stopSampling`'s profile: the call tree, and one entry per sample. */
export interface SamplingProfile {
  head: ProfileNode
  /**
   * Every sample, garbage included: its node, its time order, and a `size` that is the object's
   * size times V8's scale factor rounded (see split-profile.ts), not the object's size.
   */
  samples: readonly { size: number; nodeId: number; ordinal: number }[]
}

export interface HeapSampler {
  /**
   * Starts sampling: on average one sample every `interval` bytes allocated, garbage included;
   * with `garbage: false`, a sample is dropped when its object is collected.
   */
  start(interval: number, options?: { garbage: boolean }): Promise<void>
  /** Stops sampling and returns the profile: a JS object built in this isolate, as large as the sample count. */
  stop(): Promise<SamplingProfile>
  /** Ends the session; a sampler left running (the check stopped between start and stop) is stopped. */
  close(): void | Promise<void>
}

export function openHeapSampler(): HeapSampler {
  const session = new Session()
  session.connect()
  return {
    async start(interval, { garbage } = { garbage: true }) {
      try {
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: interval,
          includeObjectsCollectedByMajorGC: garbage,
          includeObjectsCollectedByMinorGC: garbage,
        } as { samplingInterval: number })
      } catch (error) {
        throw new Error(
          `vitest-memory-budget could not start V8's sampling heap profiler (${(error as Error).message}). ` +
            'Is another profiler or debugger sampling this process?',
          { cause: error },
        )
      }
    },
    async stop() {
      const { profile } = await session.post('HeapProfiler.stopSampling')
      return profile as unknown as SamplingProfile
    },
    close: () => session.disconnect(),
  }
}
