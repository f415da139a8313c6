/**
 * What a phase of a check created and still holds, object by object: the difference between two heap
 * snapshots of one isolate, taken after a full GC before and after the phase, reduced to the objects
 * a user made and grouped by constructor. "Heap grew 2 kB a cycle" becomes "TelemetryEvent x20".
 *
 * The noise filter is a list of small rules in ./rules, each saying which noise it removes:
 * - new-by-id: what is new, by V8's object ids (not native nodes, whose ids mean nothing);
 * - user-objects: which nodes are user objects and their group names (not V8 internals);
 * - retaining-edges: which references hold (not weak ones, V8 caches, compile jobs, compiled code and
 *   layouts);
 * - running-code: the harness's own new objects are looked through, not counted;
 * - fold-into-holder: a new object held only through another new object adds to its bytes;
 * - replacements: a new object that took an old one's place under the same holder is not growth
 *   (not replaced singletons); the new objects inside it are judged in its place.
 *
 * Folding says what is held ("TelemetryEvent x20", its strings in its bytes); it must not say how
 * many of a constructor there are. `instances` counts every new object still held, wherever it was
 * folded: 40 EE kept in one new array are "Array x1" among the groups and "EE x40" among the instances.
 */
import { dominatorTree, matchIds, type HeapGraph } from './heap-graph.ts'
import { foldIntoHolders } from './rules/fold-into-holder.ts'
import { newById } from './rules/new-by-id.ts'
import { replacementJudge } from './rules/replacements.ts'
import { retainingEdges } from './rules/retaining-edges.ts'
import { runningCode } from './rules/running-code.ts'
import { groupNamer } from './rules/user-objects.ts'

export interface ObjectGroup {
  /**
   * What a user recognises: the constructor name for objects ("TelemetryEvent", "Object", "Array",
   * "Map", "Buffer", "ArrayBuffer"), "RegExp", "(closure) fnName" or "(closure)" for closures,
   * "(string)" for strings, "(bigint)", "(symbol)". rules/user-objects.ts maps each V8 node type.
   */
  name: string
  /** New objects of this group still held after the phase, after the noise filter. */
  count: number
  /**
   * Bytes they take: their own size plus the new internal nodes only they hold (backing arrays,
   * closure contexts, string contents, ArrayBuffer backing stores, which V8 reports as native nodes).
   */
  bytes: number
  /** Snapshot node ids (in `after`) of up to 3 representatives, newest first, for retainer paths. */
  sampleIds: number[]
}

export interface PhaseObjects {
  /** Sorted: count desc, then bytes desc, then name. */
  groups: ObjectGroup[]
  /** Bytes of all new objects the phase holds, including internal nodes and off-heap backing stores. */
  bytes: number
  /**
   * Every new object the groups hold, folded or not, grouped by name: what an `objects` limit counts.
   * An object's bytes are its own and what it alone holds; an object inside another of its name
   * adds to the count only (its bytes are in the outer one's). Sorted as `groups`.
   */
  instances: ObjectGroup[]
}

/** Representatives kept per group. */
const SAMPLES = 3

/**
 * The objects created between `before` and `after` (two snapshots of one isolate, in that order) that
 * `after` still holds, grouped by name. Deterministic: the same two files give the same result.
 */
export function findNewObjects(before: HeapGraph, after: HeapGraph): PhaseObjects {
  const match = matchIds(before, after)
  const isNew = newById(before, after, match)
  const nameOf = groupNamer(after)
  const follows = retainingEdges(after)
  const harness = runningCode(after, follows, isNew)
  const tree = dominatorTree(after, harness.follows, harness.heldOld)
  const heads = foldIntoHolders(after, tree, isNew, nameOf)
  const isReplacement = replacementJudge(
    before,
    after,
    isNew,
    match,
    { before: groupNamer(before), after: nameOf },
    { before: retainingEdges(before), after: harness.follows },
  )

  // Top objects first; a replacement gives way to the new objects inside it.
  const members = new Map<string, number[]>()
  const counted: number[] = []
  const pending = [...heads.top]
  for (let i = 0; i < pending.length; i++) {
    const node = pending[i]!
    if (isReplacement(node)) {
      pending.push(...(heads.inner.get(node) ?? []))
      continue
    }
    counted.push(node)
    add(members, nameOf(node)!, node)
  }

  // Every object inside a counted one, at any depth, and how deep in its own name it sits.
  const instances = new Map<string, number[]>()
  const outerOfName = new Map<number, boolean>()
  const visit: Array<{ node: number; names: ReadonlySet<string> }> = counted.map(node => ({ node, names: new Set<string>() }))
  for (let i = 0; i < visit.length; i++) {
    const { node, names } = visit[i]!
    const name = nameOf(node)!
    add(instances, name, node)
    outerOfName.set(node, !names.has(name))
    const inside = names.has(name) ? names : new Set([...names, name])
    for (const inner of heads.inner.get(node) ?? []) visit.push({ node: inner, names: inside })
  }

  const groups = toGroups(members, after, heads.bytes, () => true)
  return {
    groups,
    bytes: groups.reduce((sum, group) => sum + group.bytes, 0),
    instances: toGroups(instances, after, heads.bytes, node => outerOfName.get(node) === true),
  }
}

function add(byName: Map<string, number[]>, name: string, node: number): void {
  const list = byName.get(name)
  if (list) list.push(node)
  else byName.set(name, [node])
}

/** Groups of nodes by name, sorted: count desc, then bytes desc, then name. Bytes of the nodes `addsBytes` accepts. */
function toGroups(byName: Map<string, number[]>, after: HeapGraph, bytesOf: Float64Array, addsBytes: (node: number) => boolean): ObjectGroup[] {
  const groups: ObjectGroup[] = []
  for (const [name, nodes] of byName) {
    const bytes = nodes.reduce((sum, node) => sum + (addsBytes(node) ? bytesOf[node]! : 0), 0)
    const newest = nodes.map(node => after.nodeId[node]!).sort((a, b) => b - a)
    groups.push({ name, count: nodes.length, bytes, sampleIds: newest.slice(0, SAMPLES) })
  }
  return groups.sort((a, b) => b.count - a.count || b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
