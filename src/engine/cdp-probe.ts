import { createWriteStream } from 'node:fs'
import type { SamplingProfile } from './allocations/sampling.ts'
import type { ProfileNode } from './allocations/sites.ts'
import type { GrownCollection, TakenCensus } from './collection-census.ts'
import type { HeapProbe, RemoteSampler } from './cycles.ts'
import type { HeapSeries } from './heap-reading.ts'

/**
 * The part of a DevTools protocol session the probe needs: Playwright's CDPSession is one. Events
 * are only listened to while a snapshot streams in.
 */
export interface ProtocolSession {
  send(method: string, params?: object): Promise<unknown>
  on(event: string, listener: (params: never) => void): unknown
  off(event: string, listener: (params: never) => void): unknown
}

/** The counts Memory.getDOMCounters gives, by the names messages show. */
export const DOM_COUNTS = ['DOM nodes', 'JS event listeners', 'documents'] as const

interface HeapUsage {
  usedSize: number
  /** ArrayBuffers' backing stores (Chromium 124 on): the page's counterpart of Node's external memory. */
  backingStorageSize?: number
}

interface DomCounters {
  nodes: number
  jsEventListeners: number
  documents: number
}

/** What the page's script URLs are on disk, known to whoever serves the page (the plugin, for Vite's dev server). */
export interface PageFiles {
  /** The file a script URL names; the URL itself when it names none. */
  fileOf: (url: string) => string
  /** Files whose frames are the tool's own (the page's runner). */
  isTool: (file: string) => boolean
}

/**
 * A browser page's heap, probed over the DevTools protocol from outside the page: nothing runs in the
 * page being measured but the block. Each cycle costs three round trips: one full GC
 * (HeapProfiler.collectGarbage, verified full when the probe is made), then the V8 heap and the DOM
 * counters, asked together. The V8 heap's used bytes and ArrayBuffers' backing stores are the data;
 * Blink's own heap (embedderHeapUsedSize) is left out: it swings by tens of kilobytes with the
 * page's rendering, and what a leak of DOM keeps there the DOM counters count exactly. The code
 * spaces cannot be told apart from here: `code` reads 0, and warm-up runs its minimum. Given the
 * page's files, it samples allocation too (cdpSampler).
 */
export async function createCdpProbe(session: ProtocolSession, files?: PageFiles): Promise<HeapProbe> {
  await session.send('HeapProfiler.enable')
  const probe: HeapProbe = {
    remote: true,
    counts: DOM_COUNTS,
    gc: async () => {
      await session.send('HeapProfiler.collectGarbage')
    },
    read: async (series: HeapSeries, index: number) => {
      const [heap, dom] = (await Promise.all([session.send('Runtime.getHeapUsage'), session.send('Memory.getDOMCounters')])) as [HeapUsage, DomCounters]
      series.data[index] = heap.usedSize + (heap.backingStorageSize ?? 0)
      series.code[index] = 0
      const counts = series.counts
      if (counts) {
        counts['DOM nodes']![index] = dom.nodes
        counts['JS event listeners']![index] = dom.jsEventListeners
        counts.documents![index] = dom.documents
      }
    },
    code: () => 0,
    writeSnapshot: (file: string) => streamSnapshot(session, file),
    ...(files && { sampler: cdpSampler(session, files) }),
  }
  await verifyFullGc(session)
  return probe
}

/**
 * One collectGarbage must leave nothing collectable behind: an object only a WeakRef holds is gone
 * after it. A page where it is not (a browser that collects young objects only) is refused rather
 * than measured with garbage in every reading.
 */
async function verifyFullGc(session: ProtocolSession): Promise<void> {
  const key = '__vitestMemoryBudgetGcProbe'
  await session.send('Runtime.evaluate', { expression: `globalThis.${key} = new WeakRef({ filler: new Array(64).fill(0) }); undefined` })
  await session.send('HeapProfiler.collectGarbage')
  const result = (await session.send('Runtime.evaluate', { expression: `(() => { const gone = globalThis.${key}.deref() === undefined; delete globalThis.${key}; return gone })()`, returnByValue: true })) as { result: { value?: unknown } }
  if (result.result.value !== true) {
    throw new Error('vitest-memory-budget: HeapProfiler.collectGarbage did not collect an object only a WeakRef held: this browser gives no full GC, and its heap cannot be measured.')
  }
}

/** HeapProfiler.takeHeapSnapshot, its chunks written to `file` as they arrive: the page's heap never goes through a string here. */
async function streamSnapshot(session: ProtocolSession, file: string): Promise<void> {
  const out = createWriteStream(file)
  const onChunk = (params: { chunk: string }) => {
    out.write(params.chunk)
  }
  session.on('HeapProfiler.addHeapSnapshotChunk', onChunk as (params: never) => void)
  try {
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false })
  } finally {
    session.off('HeapProfiler.addHeapSnapshotChunk', onChunk as (params: never) => void)
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  }
}

/**
 * V8's sampling heap profiler of the page, as in Node (sampling.ts), over the protocol: the profile
 * is built by the browser's inspector, outside the page's heap, and its frames' URLs are mapped to
 * files here. Garbage is counted (both include flags), as the allocation pass reads volume.
 */
function cdpSampler(session: ProtocolSession, files: PageFiles): RemoteSampler {
  let sampling = false
  return {
    isTool: files.isTool,
    async start(interval, { garbage } = { garbage: true }) {
      try {
        await session.send('HeapProfiler.startSampling', {
          samplingInterval: interval,
          includeObjectsCollectedByMajorGC: garbage,
          includeObjectsCollectedByMinorGC: garbage,
        })
      } catch (error) {
        throw new Error(`vitest-memory-budget could not start the page's sampling heap profiler (${(error as Error).message}). Are DevTools sampling this page?`, { cause: error })
      }
      sampling = true
    },
    async stop() {
      sampling = false
      const { profile } = (await session.send('HeapProfiler.stopSampling')) as { profile: SamplingProfile }
      mapUrls(profile.head, files.fileOf)
      return profile
    },
    async close() {
      if (!sampling) return
      sampling = false
      await session.send('HeapProfiler.stopSampling').catch(() => {})
    },
  }
}

/** Every frame's script URL replaced by the file it names, in place (iterative: deep async stacks). */
function mapUrls(head: ProfileNode, fileOf: (url: string) => string): void {
  const pending = [head]
  const known = new Map<string, string>()
  while (pending.length > 0) {
    const node = pending.pop()!
    const { url } = node.callFrame
    if (url) {
      let file = known.get(url)
      if (file === undefined) known.set(url, (file = fileOf(url)))
      ;(node.callFrame as { url: string }).url = file
    }
    pending.push(...node.children)
  }
}

/**
 * The page's JavaScript context (a frame's main world) in which `test`, an expression, is true;
 * undefined when none is. Runtime.enable lists every context as it starts; it is disabled at once,
 * which also drops every remote object this session held: call it before taking any.
 */
export async function findContext(session: ProtocolSession, test: string): Promise<number | undefined> {
  const contexts: number[] = []
  const onCreated = (params: { context: { id: number; auxData?: { isDefault?: boolean } } }) => {
    if (params.context.auxData?.isDefault !== false) contexts.push(params.context.id)
  }
  session.on('Runtime.executionContextCreated', onCreated as (params: never) => void)
  try {
    await session.send('Runtime.enable')
    await session.send('Runtime.disable')
  } finally {
    session.off('Runtime.executionContextCreated', onCreated as (params: never) => void)
  }
  for (const contextId of contexts) {
    const answer = (await session.send('Runtime.evaluate', { expression: test, contextId, returnByValue: true }).catch(() => undefined)) as { result?: { value?: unknown } } | undefined
    if (answer?.result?.value === true) return contextId
  }
  return undefined
}

/** Where a page's census keeps what it counted, in the context it counted: weakly, until asked. */
const CENSUS_KEY = 'vitest-memory-budget.census'
const CENSUS_GROUP = 'vitest-memory-budget-census'

/**
 * Runs on the page with `this` the list queryObjects found: keeps each Map, Set and Array weakly,
 * with its size. The built-in getters, not `value.size`: a subclass may override it, and no code of
 * the page's runs here (a tag is only a hint; the getter's own brand check decides).
 */
const TAKE_CENSUS = `function () {
  const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size').get
  const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size').get
  const tagOf = Function.prototype.call.bind(Object.prototype.toString)
  const refs = [], sizes = [], kinds = []
  for (const value of this) {
    let kind, size
    if (Array.isArray(value)) { kind = 'Array'; size = value.length }
    else {
      const tag = tagOf(value)
      try {
        if (tag === '[object Map]') { size = mapSize.call(value); kind = 'Map' }
        else if (tag === '[object Set]') { size = setSize.call(value); kind = 'Set' }
      } catch {}
    }
    if (kind === undefined) continue
    refs.push(new WeakRef(value)); sizes.push(size); kinds.push(kind)
  }
  globalThis[Symbol.for('${CENSUS_KEY}')] = { refs, sizes: Float64Array.from(sizes), kinds }
}`

/** Runs on the page after the cycles: the collections still alive that gained `minimum` entries or more, largest gain first. */
const GROWN_SINCE = `function (minimum) {
  const census = globalThis[Symbol.for('${CENSUS_KEY}')]
  const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size').get
  const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size').get
  const grown = []
  census.refs.forEach((ref, index) => {
    const target = ref.deref()
    if (target === undefined) return
    const kind = census.kinds[index]
    const to = kind === 'Map' ? mapSize.call(target) : kind === 'Set' ? setSize.call(target) : target.length
    const from = census.sizes[index]
    if (to - from >= minimum) grown.push({ kind, from, to, index })
  })
  return grown.sort((a, b) => b.to - b.from - (a.to - a.from))
}`

const CENSUS_TARGET = `function (index) { return globalThis[Symbol.for('${CENSUS_KEY}')].refs[index].deref() }`
const DROP_CENSUS = `function () { delete globalThis[Symbol.for('${CENSUS_KEY}')] }`

/**
 * The collection census (collection-census.ts) of a browser page, over the protocol: every Map, Set
 * and Array made in one JavaScript context, the test frame's (findContext): Runtime.queryObjects
 * finds only objects of the context it is asked in. It collects fully first, as in Node; what it
 * counted stays in the page weakly, until grown() reads it and drops it.
 */
export function cdpCensus(session: ProtocolSession, contextId: number): () => Promise<TakenCensus> {
  const call = async <T>(target: { objectId: string } | { executionContextId: number }, functionDeclaration: string, args: unknown[] = [], byValue = false) => {
    const answer = (await session.send('Runtime.callFunctionOn', {
      ...target,
      functionDeclaration,
      arguments: args.map((value) => ({ value })),
      objectGroup: CENSUS_GROUP,
      returnByValue: byValue,
    })) as { result: { value?: T; objectId?: string }; exceptionDetails?: { text: string; exception?: { description?: string } } }
    if (answer.exceptionDetails) throw new Error(`vitest-memory-budget: the page's collection census failed: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}`)
    return answer.result
  }
  const inContext = { executionContextId: contextId }
  /** The heap snapshot id of the census's collection at `index`, 0 when it has none. */
  const heapObjectId = async (index: number): Promise<number> => {
    const target = await call(inContext, CENSUS_TARGET, [index])
    if (!target.objectId) return 0
    const { heapSnapshotObjectId } = (await session.send('HeapProfiler.getHeapObjectId', { objectId: target.objectId })) as { heapSnapshotObjectId: string }
    return Number(heapSnapshotObjectId)
  }
  return async () => {
    try {
      const prototype = (await session.send('Runtime.evaluate', { expression: 'Object.prototype', contextId, objectGroup: CENSUS_GROUP })) as { result: { objectId: string } }
      const found = (await session.send('Runtime.queryObjects', { prototypeObjectId: prototype.result.objectId, objectGroup: CENSUS_GROUP })) as { objects: { objectId: string } }
      await call(found.objects, TAKE_CENSUS)
    } finally {
      await session.send('Runtime.releaseObjectGroup', { objectGroup: CENSUS_GROUP })
    }
    return {
      async grown(minimum, withIds) {
        try {
          const grown = (await call<Array<Omit<GrownCollection, 'id'> & { index: number }>>(inContext, GROWN_SINCE, [minimum], true)).value ?? []
          const ids: number[] = []
          for (const { index } of grown) ids.push(withIds ? await heapObjectId(index) : 0)
          return grown.map(({ kind, from, to }, i) => ({ kind, from, to, id: ids[i]! }))
        } finally {
          await call(inContext, DROP_CENSUS).catch(() => {})
          await session.send('Runtime.releaseObjectGroup', { objectGroup: CENSUS_GROUP })
        }
      },
    }
  }
}
