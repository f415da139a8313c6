import { nameOf, type EdgeFilter, type HeapGraph } from '../heap-graph.ts'
import { namedRoots } from './retaining-edges.ts'

/**
 * Rule "running code": the code running when the snapshot is written is the harness (the engine's
 * loop, its `await` continuations, writeHeapSnapshot itself). What only it holds is not the phase's.
 *
 * Noise it removes: the snapshot's file name, writeHeapSnapshot's options buffer, the promises,
 * async frames and continuation the harness created since the last snapshot.
 *
 * It must not remove what the phase added to old state. The harness reaches the block, and all the
 * block keeps, through the same frames: in a Vitest test the block is a local of a suspended async
 * function, whose frame hangs off the newest promise of the running one. So the harness's new objects
 * are looked through, not counted: every old object the running code reaches through its new objects
 * becomes a root of the analysis (it was alive before the phase and is still held), and the running
 * code's references themselves are dropped.
 */

/** GC roots holding the running code's values: its stack frames and the handles of native calls. */
const RUNNING_CODE_ROOTS = new Set(['(Stack roots)', '(Handle scope)', 'C++ native stack roots'])
/** The root list's reference to the microtask being run: the harness's own `await` continuation. */
const CURRENT_MICROTASK = 'current_microtask'

export interface RunningCode {
  /** `follows` without the running code's references. */
  follows: EdgeFilter
  /** Old objects the running code holds, directly or through its new objects, in node order. */
  heldOld: Uint32Array
}

export function runningCode(graph: HeapGraph, follows: EdgeFilter, isNew: Uint8Array): RunningCode {
  const { edgeType, edgeTo, edgeNameOrIndex, firstEdge } = graph
  const isRunningRoot = new Uint8Array(graph.nodeCount)
  for (const root of namedRoots(graph)) if (RUNNING_CODE_ROOTS.has(nameOf(graph, root))) isRunningRoot[root] = 1
  const internal = graph.edgeTypes.indexOf('internal')
  const currentMicrotask = graph.strings.indexOf(CURRENT_MICROTASK)
  const isRunningEdge = (edge: number, from: number): boolean =>
    isRunningRoot[from] === 1 ||
    (currentMicrotask >= 0 && edgeType[edge] === internal && edgeNameOrIndex[edge] === currentMicrotask)

  // Breadth-first from the running code's references, through new objects only; the old objects at
  // the edge of that region are what the harness holds of old state.
  const seen = new Uint8Array(graph.nodeCount)
  const queue: number[] = []
  const heldOld: number[] = []
  const reach = (to: number): void => {
    if (seen[to] === 1) return
    seen[to] = 1
    if (isNew[to] === 1) queue.push(to)
    else heldOld.push(to)
  }
  for (let node = 0; node < graph.nodeCount; node++) {
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++) {
      if (isRunningEdge(e, node) && follows(e, node)) reach(edgeTo[e]!)
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++) if (follows(e, node)) reach(edgeTo[e]!)
  }

  return {
    follows: (edge, from) => !isRunningEdge(edge, from) && follows(edge, from),
    heldOld: Uint32Array.from(heldOld).sort(),
  }
}
