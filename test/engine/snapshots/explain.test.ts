import { describe, expect, test } from 'vitest'
import { explainObjects, formatPath, type PathStep } from '../../../src/engine/snapshots/explain.ts'
import { GLOBAL, heap, USER } from './synthetic-snapshot.ts'

/** A step: a node, and the edge from it to the next step (none on the last). */
type Step = [nodeName: string, nodeType: string, edgeOut?: string | number, edgeType?: string]

function path(steps: Step[]): PathStep[] {
  return steps.map(([name, type, edge, edgeType = 'property']) => ({
    node: { name, type },
    ...(edge !== undefined && { edge: { label: String(edge), type: edgeType } }),
  }))
}

describe('formatPath', () => {
  test('a global holder reads from the global object down', () => {
    expect(formatPath(path([
      ['(GC roots)', 'synthetic', 2, 'shortcut'],
      ['global', 'object', '__client'],
      ['TelemetryClient', 'object', 'queue'],
      ['Array', 'object', 19, 'element'],
      ['TelemetryEvent', 'object'],
    ]))).toBe('global -> __client: TelemetryClient -> queue: Array -> [19]: TelemetryEvent')
  })

  test("the harness's frames are cut: the line starts at the block's scope, shown by its variables", () => {
    expect(formatPath(path([
      ['system / PromiseFulfillReactionJobTask', 'hidden', 'extension', 'internal'],
      ['system / Context', 'object', 'parameters_and_registers', 'internal'],
      ['Generator', 'object', 0, 'element'],
      ['(array)', 'array', 'context', 'internal'],
      ['', 'closure', 'context', 'internal'],
      ['system / Context', 'object', 'held', 'context'],
      ['ReservedArray', 'object', '#items'],
      ['Array', 'object', 19, 'element'],
      ['x'.repeat(2000), 'string'],
    ]))).toBe('(closure) -> held: ReservedArray -> #items: Array -> [19]: (string) "xxxxxxxxxxxxxxxxxxxxx..."')
  })
})

describe("formatPath on a browser's snapshot", () => {
  test("a scope is named `system / Context / scope @id`: cut as Node's is", () => {
    expect(formatPath(path([
      ['', 'closure', 'context', 'internal'],
      ['system / Context / scope @74497', 'object', 'block', 'context'],
      ['', 'closure', 'context', 'internal'],
      ['system / Context / scope @75167', 'object', 'hidden', 'context'],
      ['Array', 'object', 64, 'element'],
      ['<div class="tooltip">', 'native'],
    ]))).toBe('(closure) -> hidden: Array -> [64]: <div class="tooltip">')
  })

  test("a run of the browser's own C++ objects shows as its first and last, without template arguments", () => {
    expect(formatPath(path([
      ['Window / http://localhost:5173', 'native', 23, 'element'],
      ['blink::EventTargetData', 'native', 1, 'element'],
      ['blink::HeapVectorBacking<std::pair<blink::AtomicString, cppgc::internal::BasicMember<X>>>', 'native', 5, 'element'],
      ['blink::BasicHeapVector<blink::internal::HeapCollectionType::kGCed, Y>', 'native', 1, 'element'],
      ['blink::RegisteredEventListener', 'native', 1, 'element'],
      ['V8EventListener', 'native', 1, 'element'],
      ['', 'closure'],
    ]))).toBe('Window / http://localhost:5173 -> [23]: blink::EventTargetData -> ... -> [1]: blink::RegisteredEventListener -> [1]: V8EventListener -> [1]: (closure)')
  })
})

describe('explainObjects', () => {
  // global.__client -> TelemetryClient -> queue: Array -> [0], [1]: TelemetryEvent, each holding its payload string;
  // a WeakRef also points at the first event, and a second, longer, strong path leads to it through a registry.
  const graph = heap(
    [
      { type: 'object', name: 'TelemetryClient', id: 101, size: 40, edges: [['property', 'queue', USER + 1]] },
      { type: 'object', name: 'Array', id: 103, size: 32, edges: [['element', 0, USER + 2], ['element', 1, USER + 3]] },
      { type: 'object', name: 'TelemetryEvent', id: 105, size: 24, edges: [['property', 'payload', USER + 4]] },
      { type: 'object', name: 'TelemetryEvent', id: 107, size: 24, edges: [['property', 'payload', USER + 5]] },
      { type: 'string', name: 'x'.repeat(100), id: 109, size: 116 },
      { type: 'string', name: 'y'.repeat(30), id: 111, size: 48 },
      { type: 'object', name: 'WeakRef', id: 113, size: 16, edges: [['weak', 'target', USER + 2]] },
      { type: 'object', name: 'Registry', id: 115, size: 16, edges: [['property', 'all', USER + 7]] },
      { type: 'object', name: 'Array', id: 117, size: 16, edges: [['element', 0, USER + 1]] },
    ],
    [
      [GLOBAL, ['property', '__client', USER]],
      [GLOBAL, ['property', 'ref', USER + 6]],
      [GLOBAL, ['property', 'registry', USER + 7]],
    ],
  )

  test('a shortest path of references that hold, and what freeing the object would free', () => {
    const explained = explainObjects(graph, [105, 107, 103])
    expect(explained.get(105)).toEqual({ retainedSize: 24 + 116, path: 'global -> __client: TelemetryClient -> queue: Array -> [0]: TelemetryEvent' })
    expect(explained.get(107)).toEqual({ retainedSize: 24 + 48, path: 'global -> __client: TelemetryClient -> queue: Array -> [1]: TelemetryEvent' })
    // The array is held by the client and by the registry's list: neither alone frees it, so it
    // retains itself and what only it holds, the events and their strings.
    expect(explained.get(103)).toEqual({ retainedSize: 32 + 24 + 116 + 24 + 48, path: 'global -> __client: TelemetryClient -> queue: Array' })
  })

  test('an object held only weakly has no path, and ids not in the snapshot are left out', () => {
    const weakOnly = heap([{ type: 'object', name: 'Detached', id: 101, size: 8 }, { type: 'object', name: 'WeakRef', id: 103, edges: [['weak', 'target', USER]] }], [
      [GLOBAL, ['property', 'ref', USER + 1]],
    ])
    expect(explainObjects(weakOnly, [101, 999])).toEqual(new Map([[101, { retainedSize: 0, path: '(no path from the GC roots)' }]]))
  })
})

