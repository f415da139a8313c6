import { Session } from 'node:inspector'
import { types } from 'node:util'

/**
 * Counts of every Map, Set and Array in this isolate, taken before a check's measured cycles and
 * compared after them: a collection that gained about an entry a cycle is a leak even when what it
 * gains is not an object (issue 13, item 4).
 *
 * Why not heap snapshots, measured on Node 24.21 / V8 13.6 (`v8.writeHeapSnapshot`, with and without
 * `exposeNumericValues`): a JSMap or JSSet has one `internal` edge, "table", to its OrderedHashMap,
 * whose only edge is its map: Smi keys and values, `true`, `false` are no edges at all. A JSArray of
 * Smis or doubles has an "elements" store with no edges either (booleans do show, as `element`
 * edges to the `true`/`false` oddballs), and no "length". `exposeNumericValues` adds "smi number"
 * nodes for an object's own Smi fields, never for elements or table entries. What the snapshot does
 * offer is the store's self size, which is its capacity, not its count: 264 B for a Map of 5, the
 * same for 8. A capacity steps rarely: a table holds 32, then 64, then 128 entries; an array's store
 * grows to length * 1.5 + 16 (17, 43, 80, 136), so an array going from 22 to 42 elements over the
 * 20 cycles of a default check keeps its store, and heap statistics read exactly 0.
 *
 * So the counts are read from the collections themselves. `Runtime.queryObjects` (inspector, this
 * isolate) lists every object whose prototype chain holds `Object.prototype`, once, after V8's own
 * full GCs: ~90 ms in a 10 MB heap of 48,000 objects (10,000 of them collections). The collections
 * are kept through WeakRefs, with their sizes in a typed array, so nothing of the census holds them
 * or grows while the cycles run; after the cycles, each one still alive is read again, in ~5 ms.
 *
 * Collections of other realms (a `vm` context's) have another `Object.prototype` and are not seen.
 */
export interface CollectionCensus {
  /** The collections seen before the cycles, weakly. */
  readonly refs: WeakRef<object>[]
  /** Their sizes then: `size` of a Map or Set, `length` of an Array. */
  readonly sizes: Float64Array
}

/** A collection that gained entries over the cycles. */
export interface CollectionGrowth {
  kind: 'Map' | 'Set' | 'Array'
  /** Entries before the cycles and after them. */
  from: number
  to: number
  /** The collection itself, only until its snapshot id is read (collectionIds): never keep it. */
  target: object
}

/** A collection that grew, as plain data: what measurements and the analysis thread carry. */
export interface GrownCollection {
  kind: CollectionGrowth['kind']
  from: number
  to: number
  /** Its heap snapshot id, 0 when no snapshot was written. */
  id: number
}

/** A global slot through which an inspector call hands a value to this module, for one statement. */
const SLOT = Symbol.for('vitest-memory-budget.census')
const GROUP = 'vitest-memory-budget-census'

let session: Session | undefined

/** Runs an inspector method on this isolate and returns its result (same-thread sessions answer at once). */
function post<T>(method: string, params?: object): T {
  session ??= connect()
  let result: T | undefined
  let failure: Error | null = null
  session.post(method, params as never, (error, answer) => {
    failure = error
    result = answer as T
  })
  if (failure) throw failure
  if (result === undefined) throw new Error(`vitest-memory-budget: the inspector did not answer ${method} at once`)
  return result
}

function connect(): Session {
  const opened = new Session()
  opened.connect()
  return opened
}

// The built-in getters, not `value.size`: a subclass may override `size`, and no user code runs here.
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')!.get!

/**
 * Brand checks, not `instanceof`: a Map subclass's prototype object is an instance of Map without
 * being one (its size getter throws), and a Proxy of an array would run its traps.
 */
function sizeOf(value: object): number | undefined {
  if (types.isProxy(value)) return undefined
  if (types.isMap(value)) return mapSize.call(value) as number
  if (types.isSet(value)) return setSize.call(value) as number
  if (Array.isArray(value)) return (value as unknown[]).length
  return undefined
}

function kindOf(value: object): CollectionGrowth['kind'] {
  return types.isMap(value) ? 'Map' : types.isSet(value) ? 'Set' : 'Array'
}

/** Every Map, Set and Array alive now, with its size. Call outside the measured cycles: it allocates. */
export function takeCensus(): CollectionCensus {
  const prototype = post<{ result: { objectId: string } }>('Runtime.evaluate', { expression: 'Object.prototype', objectGroup: GROUP })
  const found = post<{ objects: { objectId: string } }>('Runtime.queryObjects', { prototypeObjectId: prototype.result.objectId, objectGroup: GROUP })
  post('Runtime.callFunctionOn', {
    objectId: found.objects.objectId,
    functionDeclaration: `function () { globalThis[Symbol.for(${JSON.stringify(SLOT.description)})] = this }`,
    objectGroup: GROUP,
  })
  post('Runtime.releaseObjectGroup', { objectGroup: GROUP })
  const slots = globalThis as unknown as Record<symbol, object[] | undefined>
  const all = slots[SLOT] ?? []
  delete slots[SLOT]
  const refs: WeakRef<object>[] = []
  const sizes: number[] = []
  for (const value of all) {
    const size = sizeOf(value)
    if (size === undefined) continue
    refs.push(new WeakRef(value))
    sizes.push(size)
  }
  all.length = 0
  return { refs, sizes: Float64Array.from(sizes) }
}

/**
 * The collections of `census` still alive that gained at least `minimum` entries since, largest
 * gain first. Call after the measured cycles.
 */
export function grownSince(census: CollectionCensus, minimum: number): CollectionGrowth[] {
  const grown: CollectionGrowth[] = []
  census.refs.forEach((ref, index) => {
    const target = ref.deref()
    if (target === undefined) return
    const to = sizeOf(target)!
    const from = census.sizes[index]!
    if (to - from >= minimum) grown.push({ kind: kindOf(target), from, to, target })
  })
  return grown.sort((a, b) => b.to - b.from - (a.to - a.from))
}

/**
 * The heap snapshot id of each collection (the id V8 gave it in the snapshots this isolate wrote),
 * or 0 when it has none. Drops the references: the result holds no collection.
 */
export function collectionIds(grown: CollectionGrowth[]): number[] {
  const slots = globalThis as unknown as Record<symbol, object | undefined>
  return grown.map((growth) => {
    slots[SLOT] = growth.target
    try {
      const remote = post<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: `globalThis[Symbol.for(${JSON.stringify(SLOT.description)})]`, objectGroup: GROUP })
      if (!remote.result.objectId) return 0
      const { heapSnapshotObjectId } = post<{ heapSnapshotObjectId: string }>('HeapProfiler.getHeapObjectId', { objectId: remote.result.objectId })
      return Number(heapSnapshotObjectId)
    } catch {
      return 0
    } finally {
      delete slots[SLOT]
      post('Runtime.releaseObjectGroup', { objectGroup: GROUP })
    }
  })
}

/**
 * A census taken before the cycles, asked after them which collections grew by `minimum` entries
 * or more, with their heap snapshot ids when `withIds` (snapshots were written): as plain data.
 * This isolate's (takeLocalCensus), or a browser page's (cdp-probe.ts).
 */
export interface TakenCensus {
  grown(minimum: number, withIds: boolean): GrownCollection[] | Promise<GrownCollection[]>
}

/** This isolate's census (takeCensus), behind the same interface as a page's. */
export function takeLocalCensus(): TakenCensus {
  const census = takeCensus()
  return {
    grown(minimum, withIds) {
      const grown = grownSince(census, minimum)
      const ids = withIds ? collectionIds(grown) : grown.map(() => 0)
      return grown.map(({ kind, from, to }, i) => ({ kind, from, to, id: ids[i]! }))
    },
  }
}
