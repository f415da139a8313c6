import { nameOf, type EdgeFilter, type HeapGraph } from '../heap-graph.ts'

/**
 * Which references keep an object alive for our purpose: memory that program state holds. A snapshot
 * records every reference V8 knows, including those of V8's own caches and compiled code; each rule
 * below drops one kind and names the noise it removes. An object reachable only through dropped
 * references is not held. (The running harness's references are the subject of running-code.ts.)
 */
interface EdgeRule {
  name: string
  /** True when the edge from `from` does not count as keeping its target alive. */
  drops(edge: number, from: number): boolean
}

/**
 * GC roots whose references are V8 caches, not program state: an object held only by them is
 * reclaimable whenever V8 likes.
 * - (Internalized strings), (External strings): the string tables. A string literal or property name
 *   first seen during the phase lands there.
 * - (Compilation cache): scripts and eval source already compiled, RegExp source already compiled.
 * - (Code flusher), (Retain maps): bytecode due for flushing, maps kept for a few GCs after their
 *   last object died.
 */
const CACHE_ROOTS = new Set([
  '(Internalized strings)',
  '(External strings)',
  '(Compilation cache)',
  '(Code flusher)',
  '(Retain maps)',
])

/**
 * The root of the references V8 registers for its own machinery while it works, each labelled with
 * its owner. Those labelled IdentityMapBase are the canonical handles of a compile job (TurboFan,
 * Maglev): a function being optimised on a background thread, and what it references, stay alive
 * until the job ends. A snapshot written meanwhile shows the block's last per-cycle callback held by
 * nothing else (seen in threads and vm pools, whose isolates share compiler threads).
 */
const STRONG_ROOTS = '(Strong roots)'
const COMPILE_JOB_LABEL = / IdentityMapBase$/

/** Node types that hold references for the VM's sake: compiled code, feedback and object layouts. */
const VM_TYPES = ['code', 'object shape']

/** The edge filter of the rules below for `graph`. */
export function retainingEdges(graph: HeapGraph): EdgeFilter {
  const { edgeType, nodeType } = graph
  const weak = graph.edgeTypes.indexOf('weak')
  const shortcut = graph.edgeTypes.indexOf('shortcut')
  const vmType = new Uint8Array(graph.nodeTypes.length)
  for (const type of VM_TYPES) if (graph.nodeTypes.includes(type)) vmType[graph.nodeTypes.indexOf(type)] = 1
  const cacheRoot = new Uint8Array(graph.nodeCount)
  const strongRoots = new Uint8Array(graph.nodeCount)
  for (const root of namedRoots(graph)) {
    if (CACHE_ROOTS.has(nameOf(graph, root))) cacheRoot[root] = 1
    if (nameOf(graph, root) === STRONG_ROOTS) strongRoots[root] = 1
  }
  const jobLabel = new Uint8Array(graph.strings.length)
  graph.strings.forEach((string, index) => {
    if (COMPILE_JOB_LABEL.test(string)) jobLabel[index] = 1
  })
  const internal = graph.edgeTypes.indexOf('internal')

  const rules: EdgeRule[] = [
    {
      // Weak references (WeakRef, WeakMap keys, V8's weak caches) never keep an object alive.
      name: 'weak',
      drops: edge => edgeType[edge] === weak,
    },
    {
      // Shortcuts repeat a path that also exists through real references (a bound function to its
      // target); only the root's shortcut to the global object is the global object's retainer.
      // The same choice as Chrome DevTools' dominator tree.
      name: 'shortcut',
      drops: (edge, from) => edgeType[edge] === shortcut && from !== 0,
    },
    {
      // Noise: strings first seen during the phase (held by the string table), source in the
      // compilation cache, maps V8 keeps for a few more GCs.
      name: 'cache roots',
      drops: (_edge, from) => cacheRoot[from] === 1,
    },
    {
      // Noise: a function a background compile job holds until it finishes.
      name: 'compile jobs',
      drops: (edge, from) => strongRoots[from] === 1 && edgeType[edge] === internal && jobLabel[graph.edgeNameOrIndex[edge]!] === 1,
    },
    {
      // Noise: what compiled code and object layouts reference: literal boilerplates kept by
      // allocation sites, constants in bytecode constant pools, prototypes reached through maps.
      // Program state never lives only there.
      name: 'vm internals',
      drops: (_edge, from) => vmType[nodeType[from]!] === 1,
    },
  ]

  return (edge, from) => {
    for (const rule of rules) if (rule.drops(edge, from)) return false
    return true
  }
}

/** The synthetic nodes under the root and under its "(GC roots)" child: the named root categories. */
export function namedRoots(graph: HeapGraph): number[] {
  const synthetic = graph.nodeTypes.indexOf('synthetic')
  const roots: number[] = []
  const visit = (node: number, depth: number): void => {
    for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
      const to = graph.edgeTo[e]!
      if (graph.nodeType[to] !== synthetic) continue
      roots.push(to)
      if (depth < 1) visit(to, depth + 1)
    }
  }
  visit(0, 0)
  return roots
}
