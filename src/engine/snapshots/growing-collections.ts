import type { GrownCollection } from '../collection-census.ts'
import { nameOf, nodeIndexOfId, type HeapGraph } from './heap-graph.ts'

/**
 * Growing collections (issue 13, item 4): a Map, Set or Array that gained about an entry a cycle
 * over a phase, counted in the measured isolate around the phase (collection-census.ts), checked
 * here against the phase's heap snapshots.
 *
 * The snapshots cannot count entries that are not objects (Smis, doubles, booleans: see
 * collection-census.ts for what they hold), so the counts come from the census. What the snapshots
 * add: that the collection is one object from the first snapshot to the last (the same id, the
 * same constructor: it was there before the phase, so the phase grew it rather than made it), and
 * the bytes its store takes now (the "table" of a Map or Set, the "elements" of an Array).
 */
export interface GrowingCollection extends GrownCollection {
  /** Constructor name in the snapshot ("Map", "Set", "Array", or a subclass's name). */
  name: string
  /** Self size of its backing store in the last snapshot: its capacity, not its count. */
  storeBytes: number
  /** Retainer path from the GC roots, when the analysis explained it (explain.ts). */
  path?: string
}

/** Internal edges from a collection to its backing store. */
const STORE_EDGES = new Set(['table', 'elements'])

/**
 * The grown collections that both snapshots show as one object, in the census's order. A
 * collection without a snapshot id, or one `before` does not hold, is left out: it was made during
 * the phase, and the object diff counts what was made.
 */
export function confirmGrowing(before: HeapGraph, after: HeapGraph, grown: readonly GrownCollection[]): GrowingCollection[] {
  const confirmed: GrowingCollection[] = []
  for (const collection of grown) {
    if (collection.id === 0) continue
    const was = nodeIndexOfId(before, collection.id)
    const is = nodeIndexOfId(after, collection.id)
    if (was < 0 || is < 0 || nameOf(before, was) !== nameOf(after, is)) continue
    confirmed.push({ ...collection, name: nameOf(after, is), storeBytes: storeBytes(after, is) })
  }
  return confirmed
}

function storeBytes(graph: HeapGraph, node: number): number {
  const internal = graph.edgeTypes.indexOf('internal')
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
    if (graph.edgeType[e] === internal && STORE_EDGES.has(graph.strings[graph.edgeNameOrIndex[e]!]!)) return graph.nodeSelfSize[graph.edgeTo[e]!]!
  }
  return 0
}
