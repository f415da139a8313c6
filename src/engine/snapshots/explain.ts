import { blockScopeVariable } from './block-scope-names.ts'
import { dominatorTree, nameOf, nodeIndexOfId, type HeapGraph } from './heap-graph.ts'
import { retainingEdges } from './rules/retaining-edges.ts'

/**
 * Retained sizes and retainer paths of a few objects, from the graph the analysis already parsed:
 * no second parse, and no other library (memlab did this before, at 0.5-1.35 s for its import
 * and as long again for its own parse of the same file; bench/RESULTS.md, speed).
 *
 * Both read the references that hold (rules/retaining-edges.ts: not weak ones, not V8's caches or
 * compiled code), so a path never runs through a reference that would not keep the object alive,
 * and a retained size counts what freeing the object would free.
 */
export interface Explanation {
  /** Bytes the object keeps alive: its subtree in the dominator tree. */
  retainedSize: number
  /** A shortest path from the GC roots, e.g. `global -> __client: TelemetryClient -> queue: Array -> [19]: TelemetryEvent`. */
  path: string
}

/** Explanations of the objects with these snapshot ids, by id; ids not in the graph are left out. */
export function explainObjects(graph: HeapGraph, ids: readonly number[]): Map<number, Explanation> {
  const explanations = new Map<number, Explanation>()
  const nodes = ids.map((id) => nodeIndexOfId(graph, id)).filter((node) => node >= 0)
  if (nodes.length === 0) return explanations
  const follows = retainingEdges(graph)
  const retained = retainedSizes(graph, follows)
  const into = shortestPaths(graph, follows)
  for (const node of nodes) {
    const steps = stepsTo(graph, into, node)
    explanations.set(graph.nodeId[node]!, { retainedSize: retained[node]!, path: steps ? formatPath(steps) : '(no path from the GC roots)' })
  }
  return explanations
}

/** Every reachable node's retained size: its own bytes and its dominator subtree's. */
function retainedSizes(graph: HeapGraph, follows: Parameters<typeof dominatorTree>[1]): Float64Array {
  const { order, idom } = dominatorTree(graph, follows)
  const sizes = new Float64Array(graph.nodeCount)
  // Preorder puts every node after its immediate dominator: backwards, children come first.
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!
    sizes[node]! += graph.nodeSelfSize[node]!
    const dominator = idom[node]!
    if (dominator !== 0xffffffff) sizes[dominator]! += sizes[node]!
  }
  return sizes
}

/** For each node, the edge a breadth-first walk from the root reached it by (-1: the root, or not reached). */
function shortestPaths(graph: HeapGraph, follows: Parameters<typeof dominatorTree>[1]): Int32Array {
  const { nodeCount, firstEdge, edgeTo } = graph
  const into = new Int32Array(nodeCount).fill(-1)
  const seen = new Uint8Array(nodeCount)
  const queue = new Uint32Array(nodeCount)
  let head = 0
  let tail = 0
  queue[tail++] = 0
  seen[0] = 1
  while (head < tail) {
    const node = queue[head++]!
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++) {
      const to = edgeTo[e]!
      if (seen[to] === 1 || !follows(e, node)) continue
      seen[to] = 1
      into[to] = e
      queue[tail++] = to
    }
  }
  return into
}

/** A step of a path: a node, and the edge from it to the next step's node (none on the last). */
export interface PathStep {
  node: { name: string; type: string }
  edge?: { label: string; type: string }
}

/** The steps from the root to `node`, or undefined when no walk reached it. */
function stepsTo(graph: HeapGraph, into: Int32Array, node: number): PathStep[] | undefined {
  if (node !== 0 && into[node] === -1) return undefined
  const edgeFrom = edgeSources(graph)
  const steps: PathStep[] = []
  let edge: number | undefined
  for (let at = node; ; ) {
    const step: PathStep = { node: { name: nameOf(graph, at), type: graph.nodeTypes[graph.nodeType[at]!]! } }
    if (edge !== undefined) step.edge = edgeOf(graph, at, edge)
    steps.push(step)
    if (at === 0) break
    edge = into[at]!
    at = edgeFrom(edge)
  }
  return steps.reverse()
}

/** The node an edge starts from: a binary search of `firstEdge`. */
function edgeSources(graph: HeapGraph): (edge: number) => number {
  return (edge) => {
    let low = 0
    let high = graph.nodeCount - 1
    while (low < high) {
      const mid = (low + high + 1) >>> 1
      if (graph.firstEdge[mid]! <= edge) low = mid
      else high = mid - 1
    }
    return low
  }
}

/** The edge from `source` as a path shows it: a block scope's variable by its name (blockScopeVariable). */
function edgeOf(graph: HeapGraph, source: number, edge: number): { label: string; type: string } {
  const type = graph.edgeTypes[graph.edgeType[edge]!]!
  const variable = type === 'hidden' && nameOf(graph, source).startsWith('system / Context') ? blockScopeVariable(graph, source, edge) : undefined
  return variable === undefined ? { label: edgeName(graph, edge), type } : { label: variable, type: 'context' }
}

/** A property or variable name; the index, as text, for elements and hidden slots. */
function edgeName(graph: HeapGraph, edge: number): string {
  const type = graph.edgeTypes[graph.edgeType[edge]!]
  const nameOrIndex = graph.edgeNameOrIndex[edge]!
  return type === 'element' || type === 'hidden' ? String(nameOrIndex) : graph.strings[nameOrIndex]!
}

/**
 * One line a person can follow. The shortest path from the GC roots often runs through the
 * harness (the measuring loop's suspended frame holds the block, whose scope holds the data): the
 * line starts at the last closure scope on the path, or at the first object that is not V8's own.
 * Scopes show as the variable that holds the next object; strings show a short excerpt.
 */
export function formatPath(items: readonly PathStep[]): string {
  const lastScope = items.findLastIndex((item, i) => item.node.type === 'closure' && isScope(items[i + 1]))
  const firstOwn = items.findIndex((item) => !isInternal(item))
  const start = lastScope >= 0 ? lastScope : Math.max(0, firstOwn)
  const steps: string[] = []
  let embedderRun = 0
  for (let i = start; i < items.length; i++) {
    const item = items[i]!
    // A scope is shown by the variable that holds the next object, not by a name of its own.
    if (i > start && isScope(item)) continue
    // Each step carries the edge to the next one, so the edge into this step is on the one before
    // (for a step after a scope: the scope's variable).
    const edge = i > start ? items[i - 1]!.edge : undefined
    const via = edge === undefined ? '' : edge.type === 'element' || edge.type === 'hidden' ? `[${edge.label}]` : edge.label
    // A browser's own C++ objects (an event target's listener vectors) can be a dozen steps: a run
    // of them shows as its first and last.
    embedderRun = isEmbedder(item) ? embedderRun + 1 : 0
    if (embedderRun > 2) steps.pop()
    if (embedderRun === 3) steps.push('...')
    steps.push(via ? `${via}: ${nodeLabel(item)}` : nodeLabel(item))
  }
  return steps.join(' -> ')
}

/** A browser's own object in the path (Blink's, named with its C++ namespace), not a DOM node a user made. */
function isEmbedder(item: PathStep): boolean {
  return item.node.type === 'native' && item.node.name.includes('::')
}

function nodeLabel(item: PathStep): string {
  const { name, type } = item.node
  if (type === 'closure') return `(closure)${name ? ` ${name}` : ''}`
  if (type.includes('string')) return `(string) ${JSON.stringify(name.length > 24 ? `${name.slice(0, 21)}...` : name)}`
  // Blink's C++ names carry their template arguments: `blink::HeapVectorBacking<std::pair<...>>`.
  if (type === 'native' && name.includes('::')) return name.replace(/<.*$/s, '')
  return name || `(${type})`
}

/** A closure's scope: `system / Context` in Node's snapshots, `system / Context / scope @123` in a browser's. */
function isScope(item: PathStep | undefined): boolean {
  const name = item?.node.name
  return name === 'system / Context' || (name?.startsWith('system / Context / ') ?? false)
}

function isInternal(item: PathStep): boolean {
  const { name, type } = item.node
  return type === 'synthetic' || type === 'hidden' || type === 'array' || name.startsWith('system /')
}
