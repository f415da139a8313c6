import type { HeapGraph } from '../heap-graph.ts'

/**
 * Rule "new by id": a node of `after` is new when V8 allocated it after `before` was taken, which its
 * id tells: V8 numbers heap objects with odd ids, increasing, and keeps an object's id when the GC
 * moves it.
 *
 * Noise it removes: native nodes, which look new in every snapshot. Node's embedder nodes get fresh
 * even ids each time; ArrayBuffer backing stores ("system / JSArrayBufferData") get odd ids keyed by
 * the memory's address, so an old buffer can look new and a new one old. Neither kind is new by id
 * here: a backing store counts through the ArrayBuffer object that owns it (fold-into-holder.ts).
 * Except detached DOM nodes in a browser's snapshot: Blink gives its nodes odd ids that stay the same
 * from one snapshot to the next (measured on Chromium 156), and a detached one is what a DOM leak keeps.
 *
 * One trap: V8 keys ids by address and forgets a dead object's entry only at the next snapshot. An
 * object allocated straight into old space (a pretenured allocation site, a large object) where an
 * object of `before` died during the phase inherits that object's id. So an id of `before` that now
 * names a different kind of object (another type or name; see `sameObject`) is a new object too.
 * Seen on Node 24: without this check, 6 of 10 runs of a block that rebuilds a cache of 50 objects
 * every cycle read as 1 or 50 new objects rather than none, because new objects carried ids of dead
 * ones of other kinds (a new Array with a dead string's id): those dead objects looked alive and their
 * replacements looked new. With it, 0 of 24. A new object that inherits the id of a dead object of
 * its own kind stays invisible: it and the dead one cancel out, as a replacement would.
 *
 * `match` is heap-graph.ts's matchIds(before, after). Returns one flag per node of `after`: 1 when new.
 */
export function newById(before: HeapGraph, after: HeapGraph, match: Int32Array): Uint8Array {
  const native = after.nodeTypes.indexOf('native')
  const synthetic = after.nodeTypes.indexOf('synthetic')
  const same = sameObject(before, after)
  const threshold = before.maxOddId
  const isNew = new Uint8Array(after.nodeCount)
  for (let node = 0; node < after.nodeCount; node++) {
    const id = after.nodeId[node]!
    const type = after.nodeType[node]
    if (id % 2 === 0 || (type === native && after.nodeDetached[node] === 0) || type === synthetic) continue
    const was = match[node]!
    if (id > threshold || was < 0 || !same(was, node)) isNew[node] = 1
  }
  return isNew
}

/**
 * Whether node `was` of `before` and node `is` of `after`, which share an id, are one object: same
 * type and name. A string may change kind in place (V8 can turn a concatenated string into a thin
 * one, named by its contents), so two string nodes of different kinds count as one.
 */
export function sameObject(before: HeapGraph, after: HeapGraph): (was: number, is: number) => boolean {
  const stringKind = (types: readonly string[]) => types.map(type => STRING_TYPES.includes(type))
  const beforeString = stringKind(before.nodeTypes)
  const afterString = stringKind(after.nodeTypes)
  return (was, is) => {
    const wasType = before.nodeTypes[before.nodeType[was]!]
    const isType = after.nodeTypes[after.nodeType[is]!]
    if (wasType !== isType) return beforeString[before.nodeType[was]!] === true && afterString[after.nodeType[is]!] === true
    return before.strings[before.nodeName[was]!] === after.strings[after.nodeName[is]!]
  }
}

const STRING_TYPES = ['string', 'concatenated string', 'sliced string']
