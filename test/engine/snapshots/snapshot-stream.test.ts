import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { describe, expect, test } from 'vitest'
import { readHeapGraph } from '../../../src/engine/snapshots/heap-graph.ts'
import { NOT_A_SNAPSHOT, streamSnapshot, type ReadBytes, type SnapshotSink } from '../../../src/engine/snapshots/snapshot-stream.ts'

/** Everything the stream hands over, as plain data. */
function recorded(text: string, chunk: number) {
  const seen = { header: undefined as unknown, nodes: [] as number[][], edges: [] as number[][], strings: [] as string[] }
  const sink: SnapshotSink = {
    header: (meta, counts) => void (seen.header = { meta, counts }),
    nodeRow: (values) => void seen.nodes.push(Array.from(values)),
    edgeRow: (values) => void seen.edges.push(Array.from(values)),
    string: (value) => void seen.strings.push(value),
  }
  streamSnapshot(readerOf(text, chunk), sink)
  return seen
}

/** Hands `text` over at most `chunk` bytes at a time, as a file read in small pieces would. */
function readerOf(text: string, chunk: number): ReadBytes {
  const bytes = Buffer.from(text)
  let offset = 0
  return (into, at, length) => {
    const copied = bytes.copy(into, at, offset, Math.min(bytes.length, offset + Math.min(chunk, length)))
    offset += copied
    return copied
  }
}

const meta = {
  node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
  node_types: [['object', 'string']],
  edge_fields: ['type', 'name_or_index', 'to_node'],
  edge_types: [['property', 'element']],
}
const long = 'x'.repeat(3 << 20)
const awkward = ['plain', 'quote " and backslash \\ and newline \n', 'ünïcödé ✓ 🐢', '', '[{,]}', long]
const snapshot = {
  snapshot: { meta, node_count: 2, edge_count: 1, trace_function_count: 0 },
  nodes: [0, 0, 1, 0, 1, 1, 5, 4_000_000_001, 123_456_789_012, 0],
  edges: [0, 3, 5],
  unknown: [[1, [2, '] not the end']], { a: '}' }],
  strings: awkward,
}

describe('streamSnapshot', () => {
  test('hands over the header, every row and every string, however the bytes are split', () => {
    const text = JSON.stringify(snapshot, null, 1)
    for (const chunk of [1, 7, 4096, 1 << 30]) {
      const seen = recorded(text, chunk)
      expect(seen.header).toEqual({ meta, counts: { nodes: 2, edges: 1 } })
      expect(seen.nodes).toEqual([[0, 0, 1, 0, 1], [1, 5, 4_000_000_001, 123_456_789_012, 0]])
      expect(seen.edges).toEqual([[0, 3, 5]])
      expect(seen.strings).toEqual(awkward)
    }
  })

  test('V8 escapes what is not ASCII; the reader decodes it', () => {
    const text = String.raw`{"snapshot":{"meta":${JSON.stringify(meta)}},"nodes":[],"edges":[],"strings":["caf\u00e9","\ud83d\udc22","tab\there"]}`
    expect(recorded(text, 5).strings).toEqual(['café', '🐢', 'tab\there'])
  })

  test('refuses what is not a heap snapshot, a cut file and a corrupt table, saying which', () => {
    const text = JSON.stringify(snapshot)
    expect(() => recorded('{"nodes": []}', 64)).toThrow(NOT_A_SNAPSHOT)
    expect(() => recorded('{}', 64)).toThrow(NOT_A_SNAPSHOT)
    expect(() => recorded(JSON.stringify({ snapshot: { meta }, nodes: [], edges: [] }), 64)).toThrow(NOT_A_SNAPSHOT)
    expect(() => recorded(text.slice(0, text.indexOf('"edges"') + 12), 64)).toThrow('Truncated heap snapshot: the file ends inside its JSON')
    expect(() => recorded(text.replace('[0,3,5]', '[0,3,-5]'), 64)).toThrow('Corrupt heap snapshot: expected a number, found "-"')
    expect(() => recorded(text.replace('[0,3,5]', '[0,3]'), 64)).toThrow('Truncated heap snapshot: the node or edge table does not divide into whole records')
  })
})

describe('readHeapGraph reads a real snapshot into the same graph, streamed or parsed whole', () => {
  test.each([['streamed', false], ['parsed whole', true]])('every node, edge and string of a snapshot of this worker, %s', (_, whole) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-stream-'))
    try {
      const file = v8.writeHeapSnapshot(path.join(dir, 'this.heapsnapshot'))
      const graph = readHeapGraph(file, { whole })
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { snapshot: { meta: typeof meta }; nodes: number[]; edges: number[]; strings: string[] }
      const nodeFields = json.snapshot.meta.node_fields
      const edgeFields = json.snapshot.meta.edge_fields
      const column = (values: number[], fields: string[], name: string) => values.filter((_, i) => i % fields.length === fields.indexOf(name))
      expect(graph.nodeCount).toBe(json.nodes.length / nodeFields.length)
      expect(Array.from(graph.nodeId)).toEqual(column(json.nodes, nodeFields, 'id'))
      expect(Array.from(graph.nodeName)).toEqual(column(json.nodes, nodeFields, 'name'))
      expect(Array.from(graph.nodeType)).toEqual(column(json.nodes, nodeFields, 'type'))
      expect(Array.from(graph.nodeSelfSize)).toEqual(column(json.nodes, nodeFields, 'self_size'))
      expect(Array.from(graph.edgeTo)).toEqual(column(json.edges, edgeFields, 'to_node').map((offset) => offset / nodeFields.length))
      expect(Array.from(graph.edgeNameOrIndex)).toEqual(column(json.edges, edgeFields, 'name_or_index'))
      expect(graph.strings).toEqual(json.strings)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
