import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { createCdpProbe, DOM_COUNTS, type ProtocolSession } from '../../src/engine/cdp-probe.ts'
import { createSeries } from '../../src/engine/heap-reading.ts'

/** A DevTools session that answers as Chromium does, records what was asked, and streams `chunks` for a snapshot. */
function fakeSession({ gcIsFull = true, chunks = [] as string[], profile = undefined as unknown } = {}) {
  const sent: string[] = []
  const params: Record<string, unknown> = {}
  const listeners = new Map<string, (params: never) => void>()
  const session: ProtocolSession = {
    on: (event, listener) => listeners.set(event, listener),
    off: (event) => listeners.delete(event),
    send: async (method, given) => {
      sent.push(method)
      params[method] = given
      switch (method) {
        case 'HeapProfiler.stopSampling':
          return { profile }
        case 'Runtime.evaluate':
          return { result: { value: gcIsFull } }
        case 'Runtime.getHeapUsage':
          return { usedSize: 9_000_000, totalSize: 12_000_000, embedderHeapUsedSize: 700_000, backingStorageSize: 64_000 }
        case 'Memory.getDOMCounters':
          return { documents: 2, nodes: 72, jsEventListeners: 45 }
        case 'HeapProfiler.takeHeapSnapshot':
          for (const chunk of chunks) listeners.get('HeapProfiler.addHeapSnapshotChunk')?.({ chunk } as never)
          return {}
        default:
          return {}
      }
    },
  }
  return { session, sent, listeners, params }
}

describe('createCdpProbe: a browser page measured over the DevTools protocol', () => {
  test("reads the V8 heap and ArrayBuffers' backing stores as data, not Blink's heap, and the DOM counters beside them", async () => {
    const { session, sent } = fakeSession()
    const probe = await createCdpProbe(session)
    expect(sent).toEqual(['HeapProfiler.enable', 'Runtime.evaluate', 'HeapProfiler.collectGarbage', 'Runtime.evaluate'])
    expect(probe.remote).toBe(true)
    expect(probe.counts).toEqual(DOM_COUNTS)
    const series = createSeries(2, probe.counts)
    await probe.gc()
    await probe.read(series, 1)
    expect(sent.slice(4)).toEqual(['HeapProfiler.collectGarbage', 'Runtime.getHeapUsage', 'Memory.getDOMCounters'])
    expect(series.data[1]).toBe(9_064_000)
    expect(series.code[1]).toBe(0)
    expect(Object.fromEntries(Object.entries(series.counts!).map(([name, values]) => [name, values[1]]))).toEqual({
      'DOM nodes': 72,
      'JS event listeners': 45,
      documents: 2,
    })
  })

  test('refuses a browser whose collectGarbage leaves an object only a WeakRef held', async () => {
    await expect(createCdpProbe(fakeSession({ gcIsFull: false }).session)).rejects.toThrow(
      'vitest-memory-budget: HeapProfiler.collectGarbage did not collect an object only a WeakRef held: this browser gives no full GC, and its heap cannot be measured.',
    )
  })

  test('writes a heap snapshot to a file as its chunks arrive, and stops listening after', async () => {
    const { session, listeners } = fakeSession({ chunks: ['{"snapshot":', '{"meta":{}},', '"nodes":[]}'] })
    const probe = await createCdpProbe(session)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-probe-'))
    try {
      const file = path.join(dir, 'page.heapsnapshot')
      await probe.writeSnapshot!(file)
      expect(readFileSync(file, 'utf8')).toBe('{"snapshot":{"meta":{}},"nodes":[]}')
      expect(listeners.size).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test("samples allocation in the page with garbage counted, and names the frames by the files the page's URLs serve", async () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 2, columnNumber: 0 })
    const profile = {
      head: { callFrame: frame('(root)', ''), selfSize: 0, id: 1, children: [
        { callFrame: frame('logTooltip', 'http://localhost:5173/src/log.ts?v=1'), selfSize: 4096, id: 2, children: [
          { callFrame: frame('push', ''), selfSize: 512, id: 3, children: [] },
        ] },
      ] },
      samples: [{ size: 4096, nodeId: 2, ordinal: 1 }],
    }
    const { session, sent, params } = fakeSession({ profile })
    const files = { fileOf: (url: string) => `/project${new URL(url).pathname}`, isTool: (file: string) => file === '/project/runner.js' }
    const sampler = (await createCdpProbe(session, files)).sampler!
    expect(sampler.isTool('/project/runner.js')).toBe(true)
    await sampler.start(512)
    expect(params['HeapProfiler.startSampling']).toEqual({ samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
    const stopped = await sampler.stop()
    expect(stopped.head.children[0]!.callFrame.url).toBe('/project/src/log.ts')
    // A built-in's empty URL names no file: it stays, and its bytes go to the code that called it.
    expect(stopped.head.children[0]!.children[0]!.callFrame.url).toBe('')
    await sampler.close()
    expect(sent.filter((method) => method === 'HeapProfiler.stopSampling')).toHaveLength(1)
  })

  test('a sampler left running (the check stopped between the variants) is stopped on close', async () => {
    const { session, sent } = fakeSession()
    const sampler = (await createCdpProbe(session, { fileOf: (url) => url, isTool: () => false })).sampler!
    await sampler.start(512)
    await sampler.close()
    expect(sent.slice(-2)).toEqual(['HeapProfiler.startSampling', 'HeapProfiler.stopSampling'])
  })

  test("has no sampler unless it is told what files the page's URLs name", async () => {
    expect((await createCdpProbe(fakeSession().session)).sampler).toBeUndefined()
  })
})
