import { NO_NODE, type HeapGraph } from '../heap-graph.ts'
import type { GroupNamer } from './user-objects.ts'

/**
 * Rule "fold into holder": a new object held only through another new object is part of it. Walking
 * the dominator tree from the root, the first new user object on each path heads its subtree: all
 * below it is freed with it, so the new nodes there are the head's bytes (a closure's context, an
 * array's elements, a string's halves, a Timeout's boxed fields) and the new user objects there are
 * not counted on their own.
 *
 * Noise it removes: a leaked object's parts counted as leaks of their own. A TelemetryEvent leaked
 * with its strings and arrays counts once, its fields adding to its bytes.
 *
 * The layers are kept: when a head turns out to be a replacement (replacements.ts), the new user
 * objects directly inside it are judged in its place. State updated immutably, a new state object with
 * a new array each cycle, replaces the old state; the events the array gained are still growth.
 *
 * A node adds to bytes when it is new by id, or when it is off-heap memory (a native node, such as an
 * ArrayBuffer's backing store) held only by a node that adds: native ids say nothing about age, their
 * owner does.
 */
export interface Heads {
  /** New user objects held through no other new user object, in dominator-tree preorder. */
  top: number[]
  /** The new user objects directly inside each new user object (the next ones down), in preorder. */
  inner: Map<number, number[]>
  /** Per new user object: its bytes and those of everything new it alone holds, inner objects included. */
  bytes: Float64Array
}

export function foldIntoHolders(
  graph: HeapGraph,
  tree: { order: Uint32Array; idom: Uint32Array },
  isNew: Uint8Array,
  nameOf: GroupNamer,
): Heads {
  const { order, idom } = tree
  const native = graph.nodeTypes.indexOf('native')
  // owner: the nearest new user object at or above a node in the dominator tree.
  const owner = new Uint32Array(graph.nodeCount).fill(NO_NODE)
  const adds = new Uint8Array(graph.nodeCount)
  const bytes = new Float64Array(graph.nodeCount)
  const top: number[] = []
  const inner = new Map<number, number[]>()
  const users: number[] = []
  // Preorder: a node's immediate dominator comes before it. Index 0 is the root.
  for (let i = 1; i < order.length; i++) {
    const node = order[i]!
    const parent = idom[node]!
    if (isNew[node] === 1 && nameOf(node) !== undefined) {
      owner[node] = node
      users.push(node)
      const outer = owner[parent]!
      if (outer === NO_NODE) top.push(node)
      else {
        const list = inner.get(outer)
        if (list) list.push(node)
        else inner.set(outer, [node])
      }
    } else owner[node] = owner[parent]!
    adds[node] = isNew[node] === 1 || (graph.nodeType[node] === native && adds[parent] === 1) ? 1 : 0
    if (owner[node] !== NO_NODE && adds[node] === 1) bytes[owner[node]!]! += graph.nodeSelfSize[node]!
  }
  // Inner objects' bytes into their holders', innermost first.
  for (let i = users.length - 1; i >= 0; i--) {
    const node = users[i]!
    const outer = owner[idom[node]!]!
    if (outer !== NO_NODE) bytes[outer]! += bytes[node]!
  }
  return { top, inner, bytes }
}
