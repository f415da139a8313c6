/**
 * Each noise rule of findNewObjects on hand-made snapshots: the smallest heap that shows the noise,
 * before and after a phase. Ids below 1000 are old objects, above are new (the earlier snapshot's
 * largest id is 999, its "Marker").
 */
import { describe, expect, test } from 'vitest'
import { matchIds, type HeapGraph } from '../../../src/engine/snapshots/heap-graph.ts'
import { findNewObjects, type PhaseObjects } from '../../../src/engine/snapshots/new-objects.ts'
import { newById } from '../../../src/engine/snapshots/rules/new-by-id.ts'
import { detachedName } from '../../../src/engine/snapshots/rules/user-objects.ts'
import { GC_ROOTS, GLOBAL, HANDLES, heap, ROOT_LIST, STACK, STRING_TABLE, USER, type EdgeSpec, type NodeSpec } from './synthetic-snapshot.ts'

const MARKER: NodeSpec = { type: 'object', name: 'Marker', id: 999 }

/**
 * A phase: `after` is the skeleton plus `nodes` (from index USER on) and `roots`; `before` holds the
 * same old nodes (ids below 1000, with their references to old nodes) and the Marker, unless
 * `before` is given.
 */
function phase(nodes: NodeSpec[], roots: Array<[number, EdgeSpec]> = [], earlier?: HeapGraph): { before: HeapGraph; after: HeapGraph } {
  const after = heap(nodes, roots)
  if (earlier) return { before: earlier, after }
  const old = nodes.map((node, i) => (node.id < 1000 ? i : -1)).filter(i => i >= 0)
  const moved = new Map(old.map((i, k) => [USER + i, USER + k]))
  const remap = ([type, name, to]: EdgeSpec): EdgeSpec | undefined => {
    if (to < USER) return [type, name, to]
    return moved.has(to) ? [type, name, moved.get(to)!] : undefined
  }
  const oldNodes = old.map(i => ({ ...nodes[i]!, edges: (nodes[i]!.edges ?? []).map(remap).filter(e => e !== undefined) }))
  const oldRoots = roots.flatMap(([from, edge]): Array<[number, EdgeSpec]> => {
    const kept = remap(edge)
    return kept ? [[from, kept]] : []
  })
  const marker: [number, EdgeSpec] = [GLOBAL, ['property', 'marker', USER + oldNodes.length]]
  return { before: heap([...oldNodes, MARKER], [...oldRoots, marker]), after }
}

/** What the rules hold: the groups and their bytes (the instances, every object counted, have a test of their own). */
const find = ({ before, after }: { before: HeapGraph; after: HeapGraph }): Pick<PhaseObjects, 'groups' | 'bytes'> => {
  const { groups, bytes } = findNewObjects(before, after)
  return { groups, bytes }
}
const groups = (found: Pick<PhaseObjects, 'groups'>) => found.groups.map(g => [g.name, g.count, g.bytes])
/** The old array every phase below has: global.list. */
const list = (edges: EdgeSpec[] = []): NodeSpec => ({ type: 'object', name: 'Array', id: 101, size: 32, edges })
const LIST: [number, EdgeSpec] = [GLOBAL, ['property', 'list', USER]]
const at = (i: number) => USER + 1 + i

describe('new by id', () => {
  test('a new object held by old state is found, with its size and id', () => {
    const found = find(phase([list([['element', 0, at(0)]]), { type: 'object', name: 'TelemetryEvent', id: 1001, size: 48 }], [LIST]))
    expect(found).toEqual({ groups: [{ name: 'TelemetryEvent', count: 1, bytes: 48, sampleIds: [1001] }], bytes: 48 })
  })

  test("odd ids above the earlier snapshot's largest are new; native and synthetic nodes never are", () => {
    const { before, after } = phase(
      [
        list([['element', 0, at(0)], ['element', 1, at(1)], ['element', 2, at(2)], ['element', 3, at(3)]]),
        { type: 'object', name: 'Old', id: 501 },
        { type: 'object', name: 'New', id: 1001 },
        { type: 'native', name: 'system / JSArrayBufferData', id: 1003 },
        { type: 'native', name: 'Node / Thing', id: 2002 },
      ],
      [LIST],
    )
    const isNew = newById(before, after, matchIds(before, after))
    expect(Array.from(isNew.subarray(USER))).toEqual([0, 0, 1, 0, 0])
    expect(Array.from(isNew.subarray(0, USER))).toEqual(new Array(USER).fill(0))
    expect(find({ before, after }).groups.map(g => g.name)).toEqual(['New'])
  })

  test("an old id that now names another kind of object is a new object at a dead one's address", () => {
    // V8 reuses a dead object's id for an object allocated where it was: Array 103 died, a string
    // took its place. A string that changed kind in place is still the same string.
    const earlier = heap(
      [list(), { type: 'object', name: 'Array', id: 103 }, { type: 'concatenated string', name: '(concatenated string)', id: 105 }, MARKER],
      [LIST, [GLOBAL, ['property', 'a', at(0)]], [GLOBAL, ['property', 'b', at(1)]], [GLOBAL, ['property', 'c', at(2)]]],
    )
    const { before, after } = phase(
      [list(), { type: 'string', name: 'payload', id: 103, size: 40 }, { type: 'string', name: 'flattened', id: 105, size: 40 }],
      [LIST, [GLOBAL, ['property', 'a', at(0)]], [GLOBAL, ['property', 'b', at(1)]]],
      earlier,
    )
    expect(Array.from(newById(before, after, matchIds(before, after)).subarray(USER))).toEqual([0, 1, 0])
    expect(groups(find({ before, after }))).toEqual([['(string)', 1, 40]])
  })
})

describe('user-visible objects and their names', () => {
  test('each kind maps to a name; internals count for nothing on their own', () => {
    const kinds: NodeSpec[] = [
      { type: 'closure', name: 'onTick', id: 1001, size: 56 },
      { type: 'closure', name: '', id: 1003, size: 56 },
      { type: 'regexp', name: '/a+/g', id: 1005, size: 56 },
      { type: 'concatenated string', name: '(concatenated string)', id: 1007, size: 32 },
      { type: 'sliced string', name: 'abc', id: 1009, size: 32 },
      { type: 'bigint', name: 'bigint', id: 1011, size: 24 },
      { type: 'symbol', name: 'symbol', id: 1013, size: 24 },
      { type: 'object', name: 'system / Context', id: 1015, size: 40 },
      { type: 'hidden', name: 'system / PropertyArray', id: 1017, size: 40 },
      { type: 'array', name: '(object elements)', id: 1019, size: 40 },
      { type: 'number', name: 'heap number', id: 1021, size: 16 },
      { type: 'code', name: 'system / FeedbackVector', id: 1023, size: 40 },
      { type: 'object shape', name: 'system / Map', id: 1025, size: 40 },
    ]
    const found = find(phase([list(kinds.map((_, i): EdgeSpec => ['element', i, at(i)])), ...kinds], [LIST]))
    expect(groups(found)).toEqual([
      ['(string)', 2, 64],
      ['(closure)', 1, 56],
      ['(closure) onTick', 1, 56],
      ['RegExp', 1, 56],
      ['(bigint)', 1, 24],
      ['(symbol)', 1, 24],
    ])
  })
})

describe("a browser's snapshot", () => {
  test('a detached DOM node is new by id and named by its tag and class; attached nodes, other natives and strings of no size are not', () => {
    const kinds: NodeSpec[] = [
      { type: 'native', name: '<div class="tooltip" id="tip-7">', id: 1001, size: 120, detachedness: 2 },
      { type: 'native', name: '<div class="tooltip" id="tip-8">', id: 1003, size: 120, detachedness: 2 },
      { type: 'native', name: '<li>', id: 1005, size: 96, detachedness: 2 },
      { type: 'native', name: '<p class="shown">', id: 1007, size: 96, detachedness: 1 },
      { type: 'native', name: 'blink::EventTargetData', id: 1009, size: 40 },
      { type: 'string', name: '201', id: 1011, size: 0 },
    ]
    const found = find(phase([list(kinds.map((_, i): EdgeSpec => ['element', i, at(i)])), ...kinds], [LIST]))
    expect(groups(found)).toEqual([
      ['Detached <div class="tooltip">', 2, 240],
      ['Detached <li>', 1, 96],
    ])
  })

  test('detachedName keeps the tag and the class, so that nodes a leak keeps alike fall in one group', () => {
    expect(detachedName('<div class="tooltip" id="tip-7" data-x="1">')).toBe('Detached <div class="tooltip">')
    expect(detachedName('<my-widget id="w">')).toBe('Detached <my-widget>')
    expect(detachedName('#text')).toBe('Detached #text')
  })
})

describe('retaining edges', () => {
  const event: NodeSpec = { type: 'object', name: 'Event', id: 1001, size: 48 }

  test('a weak reference does not hold', () => {
    expect(find(phase([list([['weak', 'ref', at(0)]]), event], [LIST])).groups).toEqual([])
  })

  test('compiled code and feedback do not hold (a literal boilerplate)', () => {
    const feedback: NodeSpec = { type: 'code', name: 'system / FeedbackVector', id: 301, size: 64, edges: [['internal', 'boilerplate', at(0)]] }
    expect(find(phase([list([['element', 0, at(1)]]), event, feedback], [LIST])).groups).toEqual([])
  })

  test("a compile job's handles do not hold (a callback being optimised in the background)", () => {
    const callback: NodeSpec = { type: 'closure', name: '', id: 1001, size: 56 }
    // (Strong roots) under (GC roots), with a reference to the new callback under `label`.
    const rooted = (label: string, heldByList = false, roots: Array<[number, EdgeSpec]> = []) => {
      const strongRoots: NodeSpec = { type: 'synthetic', name: '(Strong roots)', id: 17, edges: [['internal', label, at(1)]] }
      return find(phase([list(heldByList ? [['element', 0, at(1)]] : []), strongRoots, callback], [LIST, [GC_ROOTS, ['element', 9, at(0)]], ...roots]))
    }
    expect(rooted('31 / IdentityMapBase', false, [[HANDLES, ['internal', 22, at(1)]]]).groups).toEqual([])
    // Held by program state as well: counted.
    expect(groups(rooted('31 / IdentityMapBase', true))).toEqual([['(closure)', 1, 56]])
    // Held by another kind of strong root: counted.
    expect(groups(rooted('2 / DeferredHandles'))).toEqual([['(closure)', 1, 56]])
  })

  test('the string table does not hold (a literal first seen in the phase)', () => {
    const literal: NodeSpec = { type: 'string', name: 'literal', id: 1001, size: 24 }
    expect(find(phase([list(), literal], [LIST, [STRING_TABLE, ['internal', 1, at(0)]]])).groups).toEqual([])
  })
})

describe('running code', () => {
  test("the harness's new values on the stack, in handles and in the current microtask are not counted", () => {
    const found = find(
      phase(
        [
          list(),
          { type: 'string', name: '/tmp/1.heapsnapshot', id: 1001, size: 40 },
          { type: 'object', name: 'Uint8Array', id: 1003, size: 104 },
          { type: 'closure', name: '', id: 1005, size: 56 },
        ],
        [LIST, [STACK, ['internal', 1, at(0)]], [HANDLES, ['internal', 1, at(1)]], [ROOT_LIST, ['internal', 'current_microtask', at(2)]]],
      ),
    )
    expect(found.groups).toEqual([])
  })

  test('what old state holds is counted when the harness reaches that state through its new frames', () => {
    // stack -> new promise -> old block state (held by nothing else) -> new string
    const found = find(
      phase(
        [
          list(),
          { type: 'object', name: 'Promise', id: 1001, size: 32, edges: [['internal', 'frame', at(1)]] },
          { type: 'object', name: 'BlockState', id: 103, size: 32, edges: [['property', 'held', at(2)]] },
          { type: 'string', name: 'leak', id: 1003, size: 1024 },
        ],
        [LIST, [STACK, ['internal', 1, at(0)]]],
      ),
    )
    expect(groups(found)).toEqual([['(string)', 1, 1024]])
  })
})

describe('fold into holder', () => {
  test("a new object's new parts add to its bytes; shared or old parts do not", () => {
    const found = find(
      phase(
        [
          list([['element', 0, at(0)], ['element', 1, at(4)]]),
          {
            type: 'object',
            name: 'TelemetryEvent',
            id: 1001,
            size: 48,
            edges: [['property', 'name', at(1)], ['property', 'tags', at(2)], ['property', 'shared', at(4)], ['property', 'config', at(5)]],
          },
          { type: 'string', name: 'click', id: 1003, size: 24 },
          { type: 'object', name: 'Array', id: 1005, size: 32, edges: [['internal', 'elements', at(3)]] },
          { type: 'array', name: '(object elements)', id: 1007, size: 32 },
          // Also held by the old array: an object of its own.
          { type: 'object', name: 'Object', id: 1009, size: 24 },
          // Old, now held only by the event: not the phase's bytes.
          { type: 'object', name: 'Config', id: 201, size: 64 },
        ],
        [LIST],
      ),
    )
    expect(groups(found)).toEqual([['TelemetryEvent', 1, 48 + 24 + 32 + 32], ['Object', 1, 24]])
  })

  test("an ArrayBuffer's backing store counts through its owner: with a new owner only", () => {
    const found = find(
      phase(
        [
          list([['element', 0, at(0)], ['element', 1, at(3)]]),
          { type: 'object', name: 'Buffer', id: 1001, size: 104, edges: [['internal', 'buffer', at(1)]] },
          { type: 'object', name: 'ArrayBuffer', id: 1003, size: 96, edges: [['internal', 'backing_store', at(2)]] },
          // The store's id looks old (V8 keys it by address): its owner is new, so it is new.
          { type: 'native', name: 'system / JSArrayBufferData', id: 7, size: 4096 },
          // An old ArrayBuffer with a store whose id looks new: not new.
          { type: 'object', name: 'ArrayBuffer', id: 203, size: 96, edges: [['internal', 'backing_store', at(4)]] },
          { type: 'native', name: 'system / JSArrayBufferData', id: 5001, size: 8192 },
        ],
        [LIST],
      ),
    )
    expect(found).toEqual({ groups: [{ name: 'Buffer', count: 1, bytes: 104 + 96 + 4096, sampleIds: [1001] }], bytes: 4296 })
  })
})

describe('instances: every object counted, folded or not', () => {
  test('objects inside a new container count for their own name; bytes are not counted twice', () => {
    // old list -> new Array -> [EE (with a new string), EE, EE, new Array -> [EE]]
    const ee = (id: number, edges: EdgeSpec[] = []): NodeSpec => ({ type: 'object', name: 'EE', id, size: 40, edges })
    const found = findNewObjects(
      ...Object.values(
        phase(
          [
            list([['element', 0, at(0)]]),
            { type: 'object', name: 'Array', id: 1001, size: 32, edges: [['element', 0, at(1)], ['element', 1, at(2)], ['element', 2, at(3)], ['element', 3, at(4)]] },
            ee(1003, [['property', 'name', at(6)]]),
            ee(1005),
            ee(1007),
            { type: 'object', name: 'Array', id: 1009, size: 32, edges: [['element', 0, at(5)]] },
            ee(1011),
            { type: 'string', name: 'name', id: 1013, size: 24 },
          ],
          [LIST],
        ),
      ) as [HeapGraph, HeapGraph],
    )
    expect(groups(found)).toEqual([['Array', 1, 32 + 64 + 40 + 40 + 32 + 40]])
    expect(found.instances.map(g => [g.name, g.count, g.bytes, g.sampleIds])).toEqual([
      ['EE', 4, 64 + 40 + 40 + 40, [1011, 1007, 1005]],
      ['Array', 2, 248, [1009, 1001]],
      ['(string)', 1, 24, [1013]],
    ])
  })

  test('what a replacement gave way to is counted; the replacement is not', () => {
    // The Marker took the old one's place and holds a new Event: Event x1 only.
    const found = findNewObjects(
      ...(Object.values(
        phase([list(), { type: 'object', name: 'Marker', id: 1001, size: 16, edges: [['property', 'event', at(1)]] }, { type: 'object', name: 'Event', id: 1003, size: 40 }], [
          LIST,
          [GLOBAL, ['property', 'marker', at(0)]],
        ]),
      ) as [HeapGraph, HeapGraph]),
    )
    expect(found.instances.map(g => [g.name, g.count, g.bytes])).toEqual([['Event', 1, 40]])
  })
})

describe('replacements', () => {
  const marker = (id: number): NodeSpec => ({ type: 'object', name: 'Marker', id, size: 16 })

  test('a new object where its holder lost one of the same name is not growth', () => {
    // Before: global.marker is Marker 999. After: a new Marker in its place.
    const found = find(phase([list(), marker(1001)], [LIST, [GLOBAL, ['property', 'marker', at(0)]]]))
    expect(found.groups).toEqual([])
  })

  test('each lost object excuses one new object of its holder', () => {
    // The old Marker went, three new ones came to the same holder: two are growth.
    const roots = [0, 1, 2].map((i): [number, EdgeSpec] => [GLOBAL, ['property', `m${i}`, at(i)]])
    const found = find(phase([list(), marker(1001), marker(1003), marker(1005)], [LIST, ...roots]))
    expect(found).toEqual({ groups: [{ name: 'Marker', count: 2, bytes: 32, sampleIds: [1005, 1003] }], bytes: 32 })
  })

  test('a lost object with two holders excuses one new object, not one per holder', () => {
    // Marker 999 was held by global and the list; now each holds a new Marker: one is growth.
    const earlier = heap([list([['element', 0, at(0)]]), MARKER], [LIST, [GLOBAL, ['property', 'marker', at(0)]]])
    const later = phase([list([['element', 0, at(1)]]), marker(1001), marker(1003)], [LIST, [GLOBAL, ['property', 'marker', at(0)]]], earlier)
    expect(groups(find(later))).toEqual([['Marker', 1, 16]])
  })

  test('a replaced object gives way to the new objects inside it (state updated immutably)', () => {
    // Before: global.state -> State 103 -> events Array 105 -> [Event 107]. After: a new State with a
    // new Array holding Event 107 and a new Event: the state and array are replaced, the event is new.
    const state = (id: number, array: number): NodeSpec => ({ type: 'object', name: 'State', id, size: 24, edges: [['property', 'events', array]] })
    const events = (id: number, items: number[]): NodeSpec => ({ type: 'object', name: 'Array', id, size: 32, edges: items.map((to, i): EdgeSpec => ['element', i, to]) })
    const event = (id: number): NodeSpec => ({ type: 'object', name: 'Event', id, size: 40 })
    const STATE: [number, EdgeSpec] = [GLOBAL, ['property', 'state', at(0)]]
    const earlier = heap([list(), state(103, at(1)), events(105, [at(2)]), event(107), MARKER], [LIST, STATE, [GLOBAL, ['property', 'marker', at(3)]]])
    const later = phase([list(), state(1001, at(1)), events(1003, [at(2), at(3)]), event(107), event(1005)], [LIST, STATE], earlier)
    expect(find(later)).toEqual({ groups: [{ name: 'Event', count: 1, bytes: 40, sampleIds: [1005] }], bytes: 40 })
  })

  test('an object lost by another holder excuses nothing', () => {
    // The old Marker (held by global) died; a new Marker came to the old array: growth.
    const found = find(phase([list([['element', 0, at(0)]]), marker(1001)], [LIST]))
    expect(groups(found)).toEqual([['Marker', 1, 16]])
  })

  test('holders are found through containers that were replaced too (a Map cleared and refilled)', () => {
    // Before: Map -> table 201 -> Entry 203. After: Map -> new table -> new Entry.
    const map = (table: number): NodeSpec => ({ type: 'object', name: 'Map', id: 105, edges: [['internal', 'table', table]] })
    const entry = (id: number): NodeSpec => ({ type: 'object', name: 'Entry', id, size: 24 })
    const earlier = heap(
      [list(), map(at(1)), { type: 'array', id: 201, edges: [['internal', 3, at(2)]] }, entry(203), MARKER],
      [LIST, [GLOBAL, ['property', 'cache', at(0)]], [GLOBAL, ['property', 'marker', at(3)]]],
    )
    const later = phase(
      [list(), map(at(1)), { type: 'array', id: 1001, edges: [['internal', 3, at(2)]] }, entry(1003)],
      [LIST, [GLOBAL, ['property', 'cache', at(0)]]],
      earlier,
    )
    expect(find(later).groups).toEqual([])
  })

  describe("a container whose table is rebuilt at a dead node's id (a full LRU replacing its entries)", () => {
    // Before: Map 105 -> table 201 -> Entry 203, and a table 301 of another Map that dies. After: the
    // Map's rebuilt table took id 301 (V8 reuses a dead object's id at its address), so it looks old.
    const map = (table: number): NodeSpec => ({ type: 'object', name: 'Map', id: 105, edges: [['internal', 'table', table]] })
    const table = (id: number, entries: number[]): NodeSpec => ({ type: 'array', name: '(table)', id, edges: entries.map((to, i): EdgeSpec => ['internal', i, to]) })
    const entry = (id: number): NodeSpec => ({ type: 'object', name: 'Entry', id, size: 40 })
    const CACHE: [number, EdgeSpec] = [GLOBAL, ['property', 'cache', at(0)]]
    const earlier = heap(
      [list(), map(at(1)), table(201, [at(2)]), entry(203), { type: 'object', name: 'Other', id: 205, edges: [['internal', 'table', at(5)]] }, table(301, []), MARKER],
      [LIST, CACHE, [GLOBAL, ['property', 'other', at(3)]], [GLOBAL, ['property', 'marker', at(5)]]],
    )

    test('a new entry in place of a lost one is not growth', () => {
      const later = phase([list(), map(at(1)), table(301, [at(2)]), entry(1003)], [LIST, CACHE], earlier)
      expect(find(later).groups).toEqual([])
    })

    test('an entry that moved to another holder was not lost: the new one in its place is growth', () => {
      // The old Entry 203 moved from the Map to global.done (kept), a new Entry took its slot: the
      // Map's count did not change, but the heap holds one Entry more.
      const later = phase([list(), map(at(1)), table(301, [at(2)]), entry(1003), entry(203)], [LIST, CACHE, [GLOBAL, ['property', 'done', at(3)]]], earlier)
      expect(groups(find(later))).toEqual([['Entry', 1, 40]])
    })

    test('an entry beyond the lost ones is growth', () => {
      const later = phase([list(), map(at(1)), table(301, [at(2), at(3)]), entry(1003), entry(1005)], [LIST, CACHE], earlier)
      expect(find(later)).toEqual({ groups: [{ name: 'Entry', count: 1, bytes: 40, sampleIds: [1005] }], bytes: 40 })
    })
  })
})

test('groups sort by count, then bytes, then name', () => {
  const nodes: NodeSpec[] = [
    { type: 'object', name: 'B', id: 1001, size: 8 },
    { type: 'object', name: 'A', id: 1003, size: 8 },
    { type: 'object', name: 'C', id: 1005, size: 800 },
    { type: 'object', name: 'D', id: 1007, size: 8 },
    { type: 'object', name: 'D', id: 1009, size: 8 },
  ]
  const found = find(phase([list(nodes.map((_, i): EdgeSpec => ['element', i, at(i)])), ...nodes], [LIST]))
  expect(found.groups.map(g => g.name)).toEqual(['D', 'C', 'A', 'B'])
})
