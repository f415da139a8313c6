/**
 * A minimal reader of V8 `.heapsnapshot` files: the node and edge tables as typed columns, the string
 * table, and the indexes an analysis needs (first edge per node, node by id, retainers, dominators).
 * No allocation stacks, locations or samples: a snapshot written by `v8.writeHeapSnapshot()` has none.
 * A large file is streamed into the columns (snapshot-stream.ts), never held whole, so that the
 * memory it takes is the graph's (0.9 times the file), not the 3.6 times of one JSON.parse; a small
 * one is parsed whole, which is faster in a fresh thread. A 10 MB heap (a 9 MB file) reads in ~0.1 s,
 * a 50 MB heap (a 70 MB file) in ~0.6 s.
 *
 * Columns (one typed array per field) rather than the file's interleaved rows: each is filled in the
 * one pass that converts the parsed arrays anyway, and no reader of a graph handles field offsets.
 *
 * The file's field layout is read from `snapshot.meta`, never assumed: V8 adds fields (`detachedness`
 * in V8 9, `trace_node_id` when allocations are tracked) and reorders types between versions.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { NOT_A_SNAPSHOT, streamSnapshot, TRUNCATED_TABLE, type SnapshotMeta, type SnapshotSink } from './snapshot-stream.ts'

/** The file's `detachedness` of a DOM node no document holds (1: attached, 0: unknown). */
const DETACHED = 2

/** Marks "no node" in index arrays. */
export const NO_NODE = 0xffffffff

/**
 * A parsed heap snapshot. Nodes and edges are numbered from 0 in file order; node 0 is the synthetic
 * root. Edges of node `i` are `firstEdge[i]` up to (not including) `firstEdge[i + 1]`.
 */
export interface HeapGraph {
  readonly nodeCount: number
  readonly edgeCount: number
  /** Node type, as an index into `nodeTypes` ("object", "closure", "native", ...). */
  readonly nodeType: Uint8Array
  /** Node name, as an index into `strings`: a constructor name, a function name, a string's content. */
  readonly nodeName: Uint32Array
  /**
   * V8's snapshot object id: kept by a heap object, even when moved, across snapshots of one isolate.
   * Not unique over time: see rules/new-by-id.ts for how V8 can hand a dead object's id to a new one.
   */
  readonly nodeId: Uint32Array
  /** Bytes the node itself takes (for native nodes, the off-heap memory V8 or Node reports). */
  readonly nodeSelfSize: Float64Array
  /**
   * 1 for a DOM node detached from every document (the file's `detachedness` 2, which a browser's
   * embedder sets; Node's snapshots say 0, unknown), 0 otherwise.
   */
  readonly nodeDetached: Uint8Array
  /** Index of each node's first edge; `nodeCount + 1` entries. */
  readonly firstEdge: Uint32Array
  /** Edge type, as an index into `edgeTypes` ("property", "element", "weak", ...). */
  readonly edgeType: Uint8Array
  /** A string index for named edges; the element or slot index for "element" and "hidden" edges. */
  readonly edgeNameOrIndex: Uint32Array
  /** The node an edge points to, as a node index. */
  readonly edgeTo: Uint32Array
  readonly strings: readonly string[]
  readonly nodeTypes: readonly string[]
  readonly edgeTypes: readonly string[]
  /**
   * The largest odd id. V8 numbers heap objects with odd ids, in the order it first sees them; an
   * object of a later snapshot with a larger odd id was allocated after this one was taken.
   */
  readonly maxOddId: number
}

/**
 * Files up to this size are parsed whole: in the analysis' fresh thread one JSON.parse beats the
 * stream's cold code (0.07-0.1 s against 0.19-0.24 s for 12 MB), and their memory is no matter.
 */
export const WHOLE_FILE_LIMIT = 32 * 2 ** 20

/** Reads a `.heapsnapshot` file: parsed whole when small, streamed when not. Throws when it is not one, naming what is wrong. */
export function readHeapGraph(file: string, { whole = statSync(file).size <= WHOLE_FILE_LIMIT } = {}): HeapGraph {
  if (whole) return parseHeapGraph(readFileSync(file, 'utf8'))
  const fd = openSync(file, 'r')
  try {
    const builder = new GraphBuilder()
    streamSnapshot((into, at, length) => readSync(fd, into, at, length, null), builder)
    return builder.graph()
  } finally {
    closeSync(fd)
  }
}

interface SnapshotJson {
  snapshot?: { meta?: SnapshotMeta }
  nodes?: number[]
  edges?: number[]
  strings?: string[]
}

/** Parses the text of a `.heapsnapshot` file with one JSON.parse, into the columns the stream would fill. */
export function parseHeapGraph(text: string): HeapGraph {
  const { snapshot, nodes, edges, strings } = JSON.parse(text) as SnapshotJson
  const meta = snapshot?.meta
  if (!meta || !Array.isArray(nodes) || !Array.isArray(edges) || !Array.isArray(strings)) throw new Error(NOT_A_SNAPSHOT)
  const builder = new GraphBuilder()
  const nodeFields = meta.node_fields.length
  const edgeFields = meta.edge_fields.length
  if (nodes.length % nodeFields !== 0 || edges.length % edgeFields !== 0) throw new Error(TRUNCATED_TABLE)
  builder.header(meta, { nodes: nodes.length / nodeFields, edges: edges.length / edgeFields })
  const row = new Float64Array(Math.max(nodeFields, edgeFields))
  for (let at = 0; at < nodes.length; at += nodeFields) {
    for (let field = 0; field < nodeFields; field++) row[field] = nodes[at + field]!
    builder.nodeRow(row)
  }
  for (let at = 0; at < edges.length; at += edgeFields) {
    for (let field = 0; field < edgeFields; field++) row[field] = edges[at + field]!
    builder.edgeRow(row)
  }
  for (const string of strings) builder.string(string)
  return builder.graph()
}

/** Fills the columns a row at a time, as the stream hands them over; sized by the header's counts when it has them. */
class GraphBuilder implements SnapshotSink {
  private nodeFieldCount = 0
  private fields = { nType: 0, nName: 0, nId: 0, nSize: 0, nEdges: 0, nDetached: -1, eType: 0, eName: 0, eTo: 0 }
  private meta: SnapshotMeta | undefined
  private nodeCount = 0
  private edgeCount = 0
  private nodeType = new Uint8Array(0)
  private nodeName = new Uint32Array(0)
  private nodeId = new Uint32Array(0)
  private nodeSelfSize = new Float64Array(0)
  private nodeDetached = new Uint8Array(0)
  private firstEdge = new Uint32Array(1)
  private edgeType = new Uint8Array(0)
  private edgeNameOrIndex = new Uint32Array(0)
  private edgeTo = new Uint32Array(0)
  private readonly strings: string[] = []
  private maxOddId = 0

  header(meta: SnapshotMeta, counts: { nodes?: number; edges?: number }): void {
    const field = (fields: string[], name: string): number => {
      const at = fields.indexOf(name)
      if (at < 0) throw new Error(`Not a V8 heap snapshot this reader knows: no "${name}" in [${fields.join(', ')}]`)
      return at
    }
    this.meta = meta
    this.nodeFieldCount = meta.node_fields.length
    this.fields = {
      nType: field(meta.node_fields, 'type'),
      nName: field(meta.node_fields, 'name'),
      nId: field(meta.node_fields, 'id'),
      nSize: field(meta.node_fields, 'self_size'),
      nEdges: field(meta.node_fields, 'edge_count'),
      nDetached: meta.node_fields.indexOf('detachedness'),
      eType: field(meta.edge_fields, 'type'),
      eName: field(meta.edge_fields, 'name_or_index'),
      eTo: field(meta.edge_fields, 'to_node'),
    }
    this.growNodes(counts.nodes ?? 1024)
    this.growEdges(counts.edges ?? 1024)
  }

  nodeRow(values: Float64Array): void {
    const i = this.nodeCount++
    if (i === this.nodeId.length) this.growNodes(2 * i)
    const { nType, nName, nId, nSize, nEdges, nDetached } = this.fields
    this.nodeType[i] = values[nType]!
    this.nodeName[i] = values[nName]!
    const id = values[nId]!
    this.nodeId[i] = id
    if (id % 2 === 1 && id > this.maxOddId) this.maxOddId = id
    this.nodeSelfSize[i] = values[nSize]!
    this.nodeDetached[i] = nDetached >= 0 && values[nDetached] === DETACHED ? 1 : 0
    this.firstEdge[i + 1] = this.firstEdge[i]! + values[nEdges]!
  }

  edgeRow(values: Float64Array): void {
    const e = this.edgeCount++
    if (e === this.edgeTo.length) this.growEdges(2 * e)
    const { eType, eName, eTo } = this.fields
    this.edgeType[e] = values[eType]!
    this.edgeNameOrIndex[e] = values[eName]!
    // The file stores the target's offset in the node table, not its index.
    this.edgeTo[e] = values[eTo]! / this.nodeFieldCount
  }

  string(value: string): void {
    this.strings.push(value)
  }

  graph(): HeapGraph {
    const { nodeCount, edgeCount, meta } = this
    if (this.firstEdge[nodeCount] !== edgeCount) {
      throw new Error(`Corrupt heap snapshot: nodes declare ${this.firstEdge[nodeCount]} edges, the edge table has ${edgeCount}`)
    }
    return {
      nodeCount,
      edgeCount,
      nodeType: this.nodeType.subarray(0, nodeCount),
      nodeName: this.nodeName.subarray(0, nodeCount),
      nodeId: this.nodeId.subarray(0, nodeCount),
      nodeSelfSize: this.nodeSelfSize.subarray(0, nodeCount),
      nodeDetached: this.nodeDetached.subarray(0, nodeCount),
      firstEdge: this.firstEdge.subarray(0, nodeCount + 1),
      edgeType: this.edgeType.subarray(0, edgeCount),
      edgeNameOrIndex: this.edgeNameOrIndex.subarray(0, edgeCount),
      edgeTo: this.edgeTo.subarray(0, edgeCount),
      strings: this.strings,
      nodeTypes: meta!.node_types[0],
      edgeTypes: meta!.edge_types[0],
      maxOddId: this.maxOddId,
    }
  }

  private growNodes(capacity: number): void {
    this.nodeType = grown(this.nodeType, capacity)
    this.nodeName = grown(this.nodeName, capacity)
    this.nodeId = grown(this.nodeId, capacity)
    this.nodeSelfSize = grown(this.nodeSelfSize, capacity)
    this.nodeDetached = grown(this.nodeDetached, capacity)
    this.firstEdge = grown(this.firstEdge, capacity + 1)
  }

  private growEdges(capacity: number): void {
    this.edgeType = grown(this.edgeType, capacity)
    this.edgeNameOrIndex = grown(this.edgeNameOrIndex, capacity)
    this.edgeTo = grown(this.edgeTo, capacity)
  }
}

/** A copy of `array` with room for `length` elements (only ever larger: a header's count is a floor). */
function grown<T extends Uint8Array | Uint32Array | Float64Array>(array: T, length: number): T {
  if (length <= array.length) return array
  const copy = new (array.constructor as new (length: number) => T)(Math.max(length, 16))
  copy.set(array)
  return copy
}

/** A node's name as a string. */
export function nameOf(graph: HeapGraph, node: number): string {
  return graph.strings[graph.nodeName[node]!]!
}

/** An edge's label: the property or variable name, or `[index]` for elements and hidden slots. */
export function edgeLabel(graph: HeapGraph, edge: number): string {
  const type = graph.edgeTypes[graph.edgeType[edge]!]
  const nameOrIndex = graph.edgeNameOrIndex[edge]!
  return type === 'element' || type === 'hidden' ? `[${nameOrIndex}]` : graph.strings[nameOrIndex]!
}

const idIndexes = new WeakMap<HeapGraph, { ids: Uint32Array; nodes: Uint32Array }>()
/** 2^21: graphs of up to this many nodes sort ids as packed keys (ids are below 2^32). */
const PACK = 2 ** 21

/** Node ids in ascending order, with the node of each: built once per graph. */
function idIndex(graph: HeapGraph): { ids: Uint32Array; nodes: Uint32Array } {
  let index = idIndexes.get(graph)
  if (index) return index
  const { nodeCount, nodeId } = graph
  const nodes = new Uint32Array(nodeCount)
  const ids = new Uint32Array(nodeCount)
  if (nodeCount <= PACK) {
    // A native sort of numbers beats a sort with a comparator (0.18 s against 0.27 s for 1.5M
    // nodes): pack id and node index into one exact double, id * 2^21 + index < 2^53.
    const keys = new Float64Array(nodeCount)
    for (let i = 0; i < nodeCount; i++) keys[i] = nodeId[i]! * PACK + i
    keys.sort()
    for (let i = 0; i < nodeCount; i++) {
      nodes[i] = keys[i]! % PACK
      ids[i] = nodeId[nodes[i]!]!
    }
  } else {
    for (let i = 0; i < nodeCount; i++) nodes[i] = i
    nodes.sort((a, b) => nodeId[a]! - nodeId[b]!)
    for (let i = 0; i < nodeCount; i++) ids[i] = nodeId[nodes[i]!]!
  }
  index = { ids, nodes }
  idIndexes.set(graph, index)
  return index
}

/** The index of the node with snapshot id `id`, or -1. */
export function nodeIndexOfId(graph: HeapGraph, id: number): number {
  const { ids, nodes } = idIndex(graph)
  let low = 0
  let high = ids.length - 1
  while (low <= high) {
    const mid = (low + high) >>> 1
    const at = ids[mid]!
    if (at === id) return nodes[mid]!
    if (at < id) low = mid + 1
    else high = mid - 1
  }
  return -1
}

/**
 * For each node of `after`, the node of `before` with the same snapshot id, or -1: one merge of the
 * two id orders. (A shared id is not proof of a shared object: see rules/new-by-id.ts.)
 */
export function matchIds(before: HeapGraph, after: HeapGraph): Int32Array {
  const b = idIndex(before)
  const a = idIndex(after)
  const match = new Int32Array(after.nodeCount).fill(-1)
  for (let i = 0, j = 0; i < a.ids.length && j < b.ids.length; ) {
    if (a.ids[i]! < b.ids[j]!) i++
    else if (a.ids[i]! > b.ids[j]!) j++
    else match[a.nodes[i++]!] = b.nodes[j++]!
  }
  return match
}

/** Reverse edges: the edges into node `i` are `edges[first[i]]` up to `edges[first[i + 1]]`, from `from[...]`. */
export interface Retainers {
  first: Uint32Array
  /** The retaining edge's index. */
  edges: Uint32Array
  /** The node that edge starts from. */
  from: Uint32Array
}

const retainerIndexes = new WeakMap<HeapGraph, Retainers>()

/** Every node's retaining edges, built on first use (a counting sort over the edge table). */
export function retainersOf(graph: HeapGraph): Retainers {
  const cached = retainerIndexes.get(graph)
  if (cached) return cached
  const { nodeCount, edgeCount, edgeTo, firstEdge } = graph
  const first = new Uint32Array(nodeCount + 1)
  for (let e = 0; e < edgeCount; e++) first[edgeTo[e]! + 1]!++
  for (let i = 0; i < nodeCount; i++) first[i + 1]! += first[i]!
  const next = first.slice(0, nodeCount)
  const edges = new Uint32Array(edgeCount)
  const from = new Uint32Array(edgeCount)
  for (let node = 0; node < nodeCount; node++) {
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++) {
      const slot = next[edgeTo[e]!]!++
      edges[slot] = e
      from[slot] = node
    }
  }
  const retainers = { first, edges, from }
  retainerIndexes.set(graph, retainers)
  return retainers
}

/** Decides whether an edge keeps its target alive for an analysis (e.g. not weak). */
export type EdgeFilter = (edge: number, from: number) => boolean

/**
 * The dominator tree of the nodes reachable from the root (node 0) through edges `follows` accepts.
 * Node `d` dominates `n` when every such path from the root to `n` passes through `d`: freeing `d`
 * frees `n`, so `n`'s bytes are part of `d`'s retained size.
 *
 * `extraRoots` are treated as if the root referenced them too (after its own references).
 *
 * `order` lists the reachable nodes in depth-first preorder (the root first); every node comes after
 * its immediate dominator there. `idom[n]` is `n`'s immediate dominator, NO_NODE for unreachable nodes
 * and the root. Lengauer-Tarjan with path compression, iterative (heap chains run thousands deep).
 */
export function dominatorTree(
  graph: HeapGraph,
  follows: EdgeFilter,
  extraRoots: ArrayLike<number> = [],
): { order: Uint32Array; idom: Uint32Array } {
  const { nodeCount, firstEdge, edgeTo } = graph
  const retainers = retainersOf(graph)

  // Depth-first numbering. dfs[node] is its number + 1 (0 = not reached); all arrays below are
  // indexed by number.
  const dfs = new Uint32Array(nodeCount)
  const vertex = new Uint32Array(nodeCount)
  const parent = new Uint32Array(nodeCount)
  const stackNode = new Uint32Array(nodeCount)
  const stackEdge = new Uint32Array(nodeCount)
  let count = 0
  const visitFrom = (start: number, parentNumber: number): void => {
    vertex[count] = start
    parent[count] = parentNumber
    dfs[start] = ++count
    stackNode[0] = start
    stackEdge[0] = firstEdge[start]!
    let depth = 1
    while (depth > 0) {
      const node = stackNode[depth - 1]!
      const e = stackEdge[depth - 1]!
      if (e === firstEdge[node + 1]) {
        depth--
        continue
      }
      stackEdge[depth - 1] = e + 1
      const to = edgeTo[e]!
      if (dfs[to] !== 0 || !follows(e, node)) continue
      vertex[count] = to
      parent[count] = dfs[node]! - 1
      dfs[to] = ++count
      stackNode[depth] = to
      stackEdge[depth] = firstEdge[to]!
      depth++
    }
  }
  visitFrom(0, 0)
  const isExtraRoot = new Uint8Array(nodeCount)
  for (let i = 0; i < extraRoots.length; i++) {
    const node = extraRoots[i]!
    isExtraRoot[node] = 1
    if (dfs[node] === 0) visitFrom(node, 0)
  }

  const semi = new Uint32Array(count)
  const label = new Uint32Array(count)
  const ancestor = new Uint32Array(count).fill(NO_NODE)
  const dom = new Uint32Array(count)
  const bucketHead = new Uint32Array(count).fill(NO_NODE)
  const bucketNext = new Uint32Array(count).fill(NO_NODE)
  for (let v = 0; v < count; v++) {
    semi[v] = v
    label[v] = v
  }
  const path = new Uint32Array(count)

  // Returns the vertex of smallest semi-dominator on v's forest path, compressing the path.
  const evaluate = (v: number): number => {
    if (ancestor[v] === NO_NODE) return v
    let length = 0
    for (let u = v; ancestor[ancestor[u]!] !== NO_NODE; u = ancestor[u]!) path[length++] = u
    for (let i = length - 1; i >= 0; i--) {
      const u = path[i]!
      const a = ancestor[u]!
      if (semi[label[a]!]! < semi[label[u]!]!) label[u] = label[a]!
      ancestor[u] = ancestor[a]!
    }
    return label[v]!
  }

  for (let w = count - 1; w > 0; w--) {
    const node = vertex[w]!
    // The root's reference to an extra root: the root's number, 0, is the smallest semi-dominator.
    if (isExtraRoot[node] === 1) semi[w] = 0
    for (let r = retainers.first[node]!; r < retainers.first[node + 1]!; r++) {
      const from = retainers.from[r]!
      if (dfs[from] === 0 || !follows(retainers.edges[r]!, from)) continue
      const u = evaluate(dfs[from]! - 1)
      if (semi[u]! < semi[w]!) semi[w] = semi[u]!
    }
    bucketNext[w] = bucketHead[semi[w]!]!
    bucketHead[semi[w]!] = w
    const p = parent[w]!
    ancestor[w] = p
    for (let v = bucketHead[p]!; v !== NO_NODE; v = bucketNext[v]!) {
      const u = evaluate(v)
      dom[v] = semi[u]! < semi[v]! ? u : p
    }
    bucketHead[p] = NO_NODE
  }
  for (let w = 1; w < count; w++) {
    if (dom[w] !== semi[w]) dom[w] = dom[dom[w]!]!
  }

  const idom = new Uint32Array(nodeCount).fill(NO_NODE)
  for (let w = 1; w < count; w++) idom[vertex[w]!] = vertex[dom[w]!]!
  return { order: vertex.slice(0, count), idom }
}
