import { describe, expect, test } from 'vitest'
import { measureAllocations } from '../../../src/engine/allocations/index.ts'
import type { SamplingProfile } from '../../../src/engine/allocations/sampling.ts'
import type { ProfileNode } from '../../../src/engine/allocations/sites.ts'
import type { CycleContext, HeapProbe } from '../../../src/engine/cycles.ts'

// The allocation pass on another isolate's heap (a browser page), through the probe's sampler: a
// fake one here, whose profiles say what the block "allocated" while it sampled.
const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 })
const node = (callFrame: ProfileNode['callFrame'], selfSize: number, children: ProfileNode[] = []): ProfileNode => ({ callFrame, selfSize, children })

/** A page whose block allocates 1 kB a cycle in `render`, and 2 kB more in `log` when enabled; its runner 100 B a cycle. */
function fakePage() {
  const events: string[] = []
  let calls = { render: 0, log: 0 }
  let sampling = false
  const probe: HeapProbe = {
    remote: true,
    gc: async () => {
      events.push('gc')
    },
    read: async (series, index) => {
      series.data[index] = 1_000_000
      series.code[index] = 0
    },
    code: () => 0,
    sampler: {
      isTool: (file) => file === '/tool/runner.js',
      start: async (interval) => {
        events.push(`start ${interval}`)
        sampling = true
        calls = { render: 0, log: 0 }
      },
      stop: async (): Promise<SamplingProfile> => {
        events.push('stop')
        sampling = false
        const runner = node(frame('runner', '/tool/runner.js'), 100 * (calls.render), [
          node(frame('render', '/app/render.ts', 4), 1024 * calls.render),
          node(frame('log', '/app/log.ts', 9), 2048 * calls.log, [node(frame('push', ''), 0)]),
        ])
        return { head: node(frame('(root)', ''), 0, [runner]), samples: [{ size: 1, nodeId: 1, ordinal: 1 }] }
      },
      close: () => {
        events.push('close')
      },
    },
  }
  const block = ({ enabled }: CycleContext) => {
    if (!sampling) return
    calls.render++
    if (enabled) calls.log++
  }
  return { probe, block, events }
}

describe('the allocation pass on a remote heap', () => {
  test("samples each variant apart, with a full GC after every cycle, and leaves the page's runner out", async () => {
    const { probe, block, events } = fakePage()
    const m = await measureAllocations(block, { cycles: 4, warmup: 0 }, { probe, samplingInterval: 256 })
    expect(m.baseline.bytesPerCycle).toBe(1024)
    expect(m.candidate.bytesPerCycle).toBe(1024 + 2048)
    expect(m.extraBytesPerCycle).toBe(2048)
    expect(m.candidate.toolBytesPerCycle).toBe(100)
    expect(m.extraSites.map((site) => [site.functionName, site.file, site.line, site.bytesPerCycle, site.share])).toEqual([['log', '/app/log.ts', 10, 2048, 1]])
    // One sampling session a variant, each cycle collected inside it; a collected start before each.
    const variant = ['gc', 'start 256', 'gc', 'gc', 'gc', 'gc', 'stop']
    expect(events).toEqual([...variant, ...variant, 'close'])
  })

  test('has no heights to give: peak figures are absent, not zero', async () => {
    const { probe, block } = fakePage()
    const m = await measureAllocations(block, { cycles: 2, warmup: 0 }, { probe })
    expect(m.extraPeak).toBeUndefined()
    expect(m.extraPeakRange).toBeUndefined()
    expect(m.candidate.peak).toBeUndefined()
    expect(m.candidate.cyclePeaks).toBeUndefined()
  })

  test('refuses a remote heap whose probe has no sampler', async () => {
    const { probe, block } = fakePage()
    await expect(measureAllocations(block, { cycles: 2, warmup: 0 }, { probe: { ...probe, sampler: undefined } })).rejects.toThrow(
      "vitest-memory-budget: this heap's probe has no allocation sampler; allocation cannot be measured here.",
    )
  })
})
