import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { describe, expect, test } from 'vitest'
import {
  dominatorTree,
  edgeLabel,
  nameOf,
  NO_NODE,
  nodeIndexOfId,
  parseHeapGraph,
  readHeapGraph,
  retainersOf,
  type HeapGraph,
} from '../../../src/engine/snapshots/heap-graph.ts'
import { graphOf, snapshotText, V8_13_LAYOUT, type EdgeSpec, type NodeSpec } from './synthetic-snapshot.ts'

/** root -> holder -> [0] "a" and .b -> "b", and a weak edge from holder back to the root. */
const tiny: NodeSpec[] = [
  { type: 'synthetic', id: 1, edges: [['element', 1, 1]] },
  { type: 'object', name: 'Holder', id: 5, size: 40, edges: [['element', 0, 2], ['property', 'b', 3], ['weak', 'back', 0]] },
  { type: 'string', name: 'a', id: 7, size: 24 },
  { type: 'string', name: 'b', id: 4_000_000_001, size: 24 },
]

function expectTiny(graph: HeapGraph): void {
  expect(graph.nodeCount).toBe(4)
  expect(graph.edgeCount).toBe(4)
  expect(Array.from(graph.nodeId)).toEqual([1, 5, 7, 4_000_000_001])
  expect(Array.from(graph.nodeSelfSize)).toEqual([0, 40, 24, 24])
  expect([0, 1, 2, 3].map(node => graph.nodeTypes[graph.nodeType[node]!])).toEqual(['synthetic', 'object', 'string', 'string'])
  expect(nameOf(graph, 1)).toBe('Holder')
  expect(Array.from(graph.firstEdge)).toEqual([0, 1, 4, 4, 4])
  expect(Array.from(graph.edgeTo)).toEqual([1, 2, 3, 0])
  expect([0, 1, 2, 3].map(edge => edgeLabel(graph, edge))).toEqual(['[1]', '[0]', 'b', 'back'])
  expect(graph.maxOddId).toBe(4_000_000_001)
}

describe('parseHeapGraph', () => {
  test('reads nodes, edges and names in the V8 13.6 layout', () => {
    expectTiny(graphOf(tiny))
  })

  test('follows the field layout in meta, whatever the order and extra fields', () => {
    const shuffled = {
      nodeFields: ['trace_node_id', 'edge_count', 'id', 'name', 'detachedness', 'self_size', 'type'],
      edgeFields: ['to_node', 'type', 'name_or_index'],
      nodeTypes: [...V8_13_LAYOUT.nodeTypes].reverse(),
      edgeTypes: [...V8_13_LAYOUT.edgeTypes].reverse(),
    }
    expectTiny(graphOf(tiny, shuffled))
  })

  test('refuses what is not a heap snapshot, saying what is missing', () => {
    expect(() => parseHeapGraph('{"nodes": []}')).toThrow('Not a V8 heap snapshot: expected snapshot.meta, nodes, edges and strings')
    const noId = snapshotText(tiny).replace('"id"', '"identifier"')
    expect(() => parseHeapGraph(noId)).toThrow('no "id" in [type, name, identifier, self_size, edge_count, detachedness]')
  })

  test('refuses a snapshot whose edge table does not match its nodes', () => {
    const json = JSON.parse(snapshotText(tiny)) as { edges: number[] }
    json.edges.length -= 3
    expect(() => parseHeapGraph(JSON.stringify(json))).toThrow('Corrupt heap snapshot: nodes declare 4 edges, the edge table has 3')
    json.edges.length -= 1
    expect(() => parseHeapGraph(JSON.stringify(json))).toThrow('Truncated heap snapshot')
  })
})

describe('indexes', () => {
  test('nodeIndexOfId finds every node and nothing else', () => {
    const graph = graphOf(tiny)
    expect([1, 5, 7, 4_000_000_001].map(id => nodeIndexOfId(graph, id))).toEqual([0, 1, 2, 3])
    expect(nodeIndexOfId(graph, 3)).toBe(-1)
  })

  test('retainersOf lists the edges into each node with the node they come from', () => {
    const graph = graphOf(tiny)
    const retainers = retainersOf(graph)
    const into = (node: number) =>
      Array.from(retainers.edges.subarray(retainers.first[node], retainers.first[node + 1]), (edge, i) => [
        retainers.from[retainers.first[node]! + i],
        edgeLabel(graph, edge),
      ])
    expect([0, 1, 2, 3].map(into)).toEqual([[[1, 'back']], [[0, '[1]']], [[1, '[0]']], [[1, 'b']]])
  })
})

/** A graph from adjacency lists: node i has edges to edges[i]. */
function adjacency(edges: number[][]): HeapGraph {
  return graphOf(
    edges.map((to, i) => ({ type: 'object', name: `n${i}`, id: 2 * i + 1, edges: to.map((t, k): EdgeSpec => ['element', k, t]) })),
  )
}

/** Dominators by definition: d dominates n when n is unreachable from the root once d is removed. */
function naiveIdom(edges: number[][]): number[] {
  const reachable = (removed: number): Set<number> => {
    const seen = new Set<number>()
    const stack = removed === 0 ? [] : [0]
    while (stack.length > 0) {
      const node = stack.pop()!
      if (seen.has(node)) continue
      seen.add(node)
      for (const to of edges[node]!) if (to !== removed) stack.push(to)
    }
    return seen
  }
  const all = reachable(-1)
  const dominators = edges.map(() => [] as number[])
  for (let d = 0; d < edges.length; d++) {
    if (!all.has(d)) continue
    const without = reachable(d)
    for (const n of all) if (n !== d && !without.has(n)) dominators[n]!.push(d)
  }
  // The immediate dominator is the one dominated by all the others: the one with most dominators.
  return edges.map((_, n) => {
    if (n === 0 || !all.has(n)) return NO_NODE
    return dominators[n]!.reduce((best, d) => (dominators[d]!.length > dominators[best]!.length ? d : best))
  })
}

describe('dominatorTree', () => {
  test('matches the textbook example (Lengauer & Tarjan 1979, figure 1)', () => {
    // R=0 A=1 B=2 C=3 D=4 E=5 F=6 G=7 H=8 I=9 J=10 K=11 L=12
    const edges = [[1, 2, 3], [4], [1, 4, 5], [6, 7], [12], [8], [9], [9, 10], [5, 11], [11], [9], [9, 0], [8]]
    const { idom, order } = dominatorTree(adjacency(edges), () => true)
    expect(Array.from(idom)).toEqual([NO_NODE, 0, 0, 0, 0, 0, 3, 3, 0, 0, 7, 0, 4])
    expect(order[0]).toBe(0)
    expect(order.length).toBe(13)
  })

  test('matches dominators by definition on random graphs', () => {
    let seed = 42
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (let round = 0; round < 50; round++) {
      const size = 5 + Math.floor(random() * 30)
      const edges = Array.from({ length: size }, () => Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * size)))
      const { idom, order } = dominatorTree(adjacency(edges), () => true)
      expect(Array.from(idom), JSON.stringify(edges)).toEqual(naiveIdom(edges))
      // Preorder: each node after its immediate dominator.
      const position = new Map(Array.from(order, (node, i) => [node, i]))
      for (const node of order) if (node !== 0) expect(position.get(idom[node]!)!).toBeLessThan(position.get(node)!)
      // Extra roots: as if the root had edges to them.
      const extra = [Math.floor(random() * size), Math.floor(random() * size)].filter(node => node !== 0).sort((a, b) => a - b)
      const withEdges = edges.map((to, node) => (node === 0 ? [...to, ...extra] : to))
      expect(Array.from(dominatorTree(adjacency(edges), () => true, extra).idom), JSON.stringify({ edges, extra })).toEqual(naiveIdom(withEdges))
    }
  })

  test('skips edges the filter rejects, and treats extra roots as held by the root', () => {
    // 0 -> 1 -> 2 -> 3, and 4 -> 3 with 4 unreachable; the edge 1 -> 2 is rejected.
    const graph = adjacency([[1], [2], [3], [], [3]])
    const rejectOneToTwo = (_edge: number, from: number) => from !== 1
    expect(Array.from(dominatorTree(graph, rejectOneToTwo).idom)).toEqual([NO_NODE, 0, NO_NODE, NO_NODE, NO_NODE])
    expect(Array.from(dominatorTree(graph, rejectOneToTwo, [2, 4]).idom)).toEqual([NO_NODE, 0, 0, 0, 0])
    expect(Array.from(dominatorTree(graph, () => true, [2]).idom)).toEqual([NO_NODE, 0, 0, 2, NO_NODE])
  })
})

describe('readHeapGraph on a real snapshot', () => {
  test('finds an object this test holds, with its id, size and retainer', () => {
    class ReaderMarker {
      readonly payload = 'x'.repeat(1000).toUpperCase()
    }
    const held = { marker: new ReaderMarker() }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vmb-reader-')), 'real.heapsnapshot')
    try {
      v8.writeHeapSnapshot(file)
      const graph = readHeapGraph(file)
      expect(nameOf(graph, 0)).toBe('')
      expect(graph.nodeTypes[graph.nodeType[0]!]).toBe('synthetic')
      const isMarker = (node: number) => nameOf(graph, node) === 'ReaderMarker' && graph.nodeTypes[graph.nodeType[node]!] === 'object'
      const markers = Array.from({ length: graph.nodeCount }, (_, node) => node).filter(isMarker)
      expect(markers).toHaveLength(1)
      const [marker] = markers
      expect(nodeIndexOfId(graph, graph.nodeId[marker!]!)).toBe(marker)
      expect(graph.nodeId[marker!]! % 2).toBe(1)
      const retainers = retainersOf(graph)
      const labels = Array.from(retainers.edges.subarray(retainers.first[marker!], retainers.first[marker! + 1]), edge => edgeLabel(graph, edge))
      expect(labels).toContain('marker')
      // Its payload: a flat one-byte string of 1000 characters, 16-byte header, rounded up to 8.
      const edges = Array.from({ length: graph.firstEdge[marker! + 1]! - graph.firstEdge[marker!]! }, (_, i) => graph.firstEdge[marker!]! + i)
      const payload = edges.find(edge => edgeLabel(graph, edge) === 'payload')
      expect(graph.nodeSelfSize[graph.edgeTo[payload!]!]).toBe(1016)
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true })
    }
    expect(held.marker).toBeInstanceOf(ReaderMarker)
  })
})
