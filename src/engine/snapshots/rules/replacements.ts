import { retainersOf, type EdgeFilter, type HeapGraph } from '../heap-graph.ts'
import { sameObject } from './new-by-id.ts'
import type { GroupNamer } from './user-objects.ts'

/**
 * Rule "replacements": a new object that took the place of an old one is not growth. A new object is
 * a replacement when one of the old objects holding it (its holders) lost, during the phase, an object
 * of the same name: net growth, counted holder by holder. Each lost object excuses one new object.
 *
 * Noise it removes: replaced singletons. Node swaps its Buffer pool for a fresh one (the module
 * context's `allocPool`), an EventEmitter swaps its listener table when the last listener goes, a
 * memo keeps its last value, a cache is cleared and refilled, a bounded queue drops its oldest entry
 * as it takes a new one.
 *
 * Why holder by holder, not one net growth per name over the heap: what the phase's harness does
 * meanwhile changes global counts. In Vitest's forks pool a pending RPC call (a Timeout, its
 * TimersList, a closure, arrays, strings) ends during the phase, and a cap at the global net growth
 * read a 10-object leak of Timeouts, closures or strings as 9.
 *
 * Holders: the nearest user objects (user-objects.ts) that existed before the phase and still do, the
 * same object by id in both snapshots. They are found by walking retainers back from the new object
 * through new objects and through V8's internal nodes of any age (for a lost object: from it, in the
 * earlier snapshot, through objects that died and internal nodes). A holder's members of a name are
 * what it reaches that way; a lost object is a member that died: the holder's count of that name
 * went from `before` to `before - lost + new`, and only what is beyond the lost is growth. A cleared
 * and refilled Map is found that way: its old entries hung off a table that died, the new ones off a
 * new table, and both tables off the same Map.
 *
 * Why user objects, not the nearest old node of any kind: the internal nodes between a container and
 * its content (a Map's hash table, a dictionary's property store, an array's elements) are rebuilt as
 * the content churns, and a rebuilt table can take the id of a dead node (new-by-id.ts), so it would
 * look old and be the holder of the new entries while the lost ones hung off the Map: an LRU of 16,
 * full, replacing one entry a cycle, read as 16 new Objects.
 */

/** Retainer walks stop after this many nodes: holders are near, and a walk must stay cheap. */
const WALK_LIMIT = 256

/**
 * Returns a judge of new user objects of `after`: true when the object replaced an old one, which it
 * then uses up. Judge objects in a deterministic order. `match` is heap-graph.ts's
 * matchIds(before, after); `follows` gives the references that hold, in each snapshot.
 */
export function replacementJudge(
  before: HeapGraph,
  after: HeapGraph,
  isNew: Uint8Array,
  match: Int32Array,
  names: { before: GroupNamer; after: GroupNamer },
  follows: { before: EdgeFilter; after: EdgeFilter },
): (node: number) => boolean {
  const native = before.nodeTypes.indexOf('native')
  const same = sameObject(before, after)
  // Died: an object of `before` that no object of `after` continues: its id is gone, or names another
  // object there (see new-by-id.ts). Native ids are not stable: never "died".
  const died = new Uint8Array(before.nodeCount).fill(1)
  for (let node = 0; node < after.nodeCount; node++) {
    const was = match[node]!
    if (was >= 0 && same(was, node)) died[was] = 0
  }
  for (let node = 0; node < before.nodeCount; node++) if (before.nodeType[node] === native) died[node] = 0

  // Lost objects by (holder id, name). A lost object with two holders is listed under both, but
  // excuses one new object only.
  const lost = new Map<string, number[]>()
  for (let node = 0; node < before.nodeCount; node++) {
    if (died[node] === 0) continue
    const name = names.before(node)
    if (name === undefined) continue
    for (const holder of holders(before, node, died, names.before, follows.before)) {
      const key = `${before.nodeId[holder]}:${name}`
      const list = lost.get(key)
      if (list) list.push(node)
      else lost.set(key, [node])
    }
  }

  const excused = new Uint8Array(before.nodeCount)
  return node => {
    const name = names.after(node)!
    for (const holder of holders(after, node, isNew, names.after, follows.after)) {
      const old = lost.get(`${after.nodeId[holder]}:${name}`)?.find(lostNode => excused[lostNode] === 0)
      if (old === undefined) continue
      excused[old] = 1
      return true
    }
    return false
  }
}

/**
 * The first user objects not flagged in `through` on the retainer paths into `node`, walking back
 * through flagged nodes and internal ones (those `names` does not name), along references `follows`
 * accepts. Sorted by node index, for determinism.
 */
function holders(graph: HeapGraph, node: number, through: Uint8Array, names: GroupNamer, follows: EdgeFilter): number[] {
  const retainers = retainersOf(graph)
  const found = new Set<number>()
  const seen = new Set<number>([node])
  const queue = [node]
  for (let head = 0; head < queue.length && seen.size <= WALK_LIMIT; head++) {
    const at = queue[head]!
    for (let r = retainers.first[at]!; r < retainers.first[at + 1]!; r++) {
      const from = retainers.from[r]!
      if (seen.has(from) || !follows(retainers.edges[r]!, from)) continue
      seen.add(from)
      if (through[from] === 1 || names(from) === undefined) queue.push(from)
      else found.add(from)
    }
  }
  return [...found].sort((a, b) => a - b)
}
