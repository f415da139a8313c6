import { describe, expect, test } from 'vitest'
import { peakOf } from '../../../src/engine/allocations/peak.ts'
import type { SamplingProfile } from '../../../src/engine/allocations/sampling.ts'
import { splitProfile } from '../../../src/engine/allocations/split-profile.ts'
import type { ProfileNode } from '../../../src/engine/allocations/sites.ts'

function node(id: number, functionName: string, selfSize: number, children: ProfileNode[] = []): ProfileNode {
  return { callFrame: { functionName, url: 'file:///r/a.ts', lineNumber: 0 }, selfSize, id, children }
}

/**
 * (root) 1
 *   loop 2
 *     work 3        selfSize 3000: samples 200 (ordinal 1), 200 (2), 400 (10), 400 (11): 1000 before, 2000 after
 *     mixed 4       selfSize 900: one sample before (reported 100), two after (reported 50 + 50)
 *     marker 5      selfSize 6000
 *       Array 6     selfSize 500
 *     between 7     selfSize 70: one sample at ordinal 6, between the marker's first and last
 */
const profile: SamplingProfile = {
  head: node(1, '(root)', 0, [
    node(2, 'loop', 0, [
      node(3, 'work', 3000),
      node(4, 'mixed', 900),
      node(5, 'marker', 6000, [node(6, 'Array', 500)]),
      node(7, 'between', 70),
    ]),
  ]),
  samples: [
    { nodeId: 3, size: 200, ordinal: 1 },
    { nodeId: 3, size: 200, ordinal: 2 },
    { nodeId: 4, size: 100, ordinal: 3 },
    { nodeId: 5, size: 3000, ordinal: 5 },
    { nodeId: 7, size: 70, ordinal: 6 },
    { nodeId: 6, size: 500, ordinal: 7 },
    { nodeId: 5, size: 3000, ordinal: 8 },
    { nodeId: 3, size: 400, ordinal: 10 },
    { nodeId: 4, size: 50, ordinal: 12 },
    { nodeId: 3, size: 400, ordinal: 11 },
    { nodeId: 4, size: 50, ordinal: 13 },
  ],
}

const isMarker = (frame: { functionName: string }) => frame.functionName === 'marker'

describe('splitProfile', () => {
  test('divides each node between the halves by its samples around the marker, and drops the marker', () => {
    const { before, after, samplesBefore, samplesAfter } = splitProfile(profile, isMarker)
    expect(before).toEqual(node(1, '(root)', 0, [node(2, 'loop', 0, [node(3, 'work', 1000), node(4, 'mixed', 450)])]))
    expect(after).toEqual(node(1, '(root)', 0, [node(2, 'loop', 0, [node(3, 'work', 2000), node(4, 'mixed', 450)])]))
    expect([samplesBefore, samplesAfter]).toEqual([3, 4])
  })

  test('a half with no samples is an empty root', () => {
    const onlyBefore = { ...profile, samples: profile.samples.filter((s) => s.ordinal <= 8) }
    expect(splitProfile(onlyBefore, isMarker).after).toEqual(node(1, '(root)', 0))
  })

  test('throws when the marker was never sampled', () => {
    const unmarked = { ...profile, samples: profile.samples.filter((s) => s.nodeId !== 5 && s.nodeId !== 6) }
    expect(() => splitProfile(unmarked, isMarker)).toThrowError(
      'vitest-memory-budget: the allocation profile holds no sample of the marker between the variants; cannot tell them apart.',
    )
  })
})

/** One GC's statistics as v8.GCProfiler reports them, with only the fields peakOf reads. */
function gc(external: number, spaces: Record<string, number>, after: Record<string, number> = {}, gcType = 'Scavenge') {
  const figures = (externalMemory: number, used: Record<string, number>) => ({
    heapStatistics: { externalMemory },
    heapSpaceStatistics: Object.entries(used).map(([spaceName, spaceUsedSize]) => ({ spaceName, spaceUsedSize })),
  })
  return { gcType, beforeGC: figures(external, spaces), afterGC: figures(0, after) }
}

describe('peakOf', () => {
  test('the highest before-GC data bytes (every space but read-only and code, plus external memory) and the bytes after the last full GC', () => {
    const result = {
      statistics: [
        gc(100, { new_space: 1000, old_space: 5000, code_space: 99_999, read_only_space: 99_999 }),
        gc(300, { new_space: 2000, old_space: 5000, trusted_space: 99_999, large_object_space: 1000 }),
        gc(0, { new_space: 10, old_space: 5000 }, { new_space: 0, old_space: 4000, code_space: 99_999 }, 'MarkSweepCompact'),
        // A scavenge after the full GC is not the cycle's end.
        gc(0, { new_space: 10, old_space: 4000 }, { new_space: 0, old_space: 3990 }),
      ],
    }
    expect(peakOf(result)).toEqual({ bytes: 8300, gcs: 4, after: 4000 })
  })

  test('no GC: -1', () => {
    expect(peakOf({ statistics: [] })).toEqual({ bytes: -1, gcs: 0, after: -1 })
  })
})
