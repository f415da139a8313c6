/**
 * Hand-made heap snapshots for unit tests: the text of a `.heapsnapshot` file with the layout V8 13.6
 * writes (or another, to prove the reader follows `meta`), built from a list of nodes.
 */
import { parseHeapGraph, type HeapGraph } from '../../../src/engine/snapshots/heap-graph.ts'

/** [edge type, name (string) or index (number), index of the target in the node list]. */
export type EdgeSpec = [type: string, nameOrIndex: string | number, to: number]

export interface NodeSpec {
  type: string
  name?: string
  id: number
  size?: number
  edges?: EdgeSpec[]
  /** A browser's DOM node: 1 attached, 2 detached (0, unknown, when absent). */
  detachedness?: number
}

/** Node and edge types as V8 13.6 (Node 24) lists them. */
export const NODE_TYPES = [
  'hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic',
  'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape',
]
export const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak']

export interface Layout {
  nodeFields: string[]
  edgeFields: string[]
  nodeTypes: string[]
  edgeTypes: string[]
}

export const V8_13_LAYOUT: Layout = {
  nodeFields: ['type', 'name', 'id', 'self_size', 'edge_count', 'detachedness'],
  edgeFields: ['type', 'name_or_index', 'to_node'],
  nodeTypes: NODE_TYPES,
  edgeTypes: EDGE_TYPES,
}

export function snapshotText(nodes: NodeSpec[], layout: Layout = V8_13_LAYOUT): string {
  const strings: string[] = []
  const stringIndex = (text: string): number => {
    const at = strings.indexOf(text)
    return at >= 0 ? at : strings.push(text) - 1
  }
  const typeOf = (types: string[], type: string): number => {
    const at = types.indexOf(type)
    if (at < 0) throw new Error(`unknown type ${type}`)
    return at
  }
  const nodeValues: number[] = []
  const edgeValues: number[] = []
  for (const node of nodes) {
    const values: Record<string, number> = {
      type: typeOf(layout.nodeTypes, node.type),
      name: stringIndex(node.name ?? ''),
      id: node.id,
      self_size: node.size ?? 0,
      edge_count: node.edges?.length ?? 0,
      detachedness: node.detachedness ?? 0,
      trace_node_id: 0,
    }
    for (const field of layout.nodeFields) nodeValues.push(values[field]!)
    for (const [type, nameOrIndex, to] of node.edges ?? []) {
      const edge: Record<string, number> = {
        type: typeOf(layout.edgeTypes, type),
        name_or_index: typeof nameOrIndex === 'number' ? nameOrIndex : stringIndex(nameOrIndex),
        to_node: to * layout.nodeFields.length,
      }
      for (const field of layout.edgeFields) edgeValues.push(edge[field]!)
    }
  }
  return JSON.stringify({
    snapshot: {
      meta: {
        node_fields: layout.nodeFields,
        node_types: [layout.nodeTypes, 'string', 'number', 'number', 'number', 'number', 'number'],
        edge_fields: layout.edgeFields,
        edge_types: [layout.edgeTypes, 'string_or_number', 'node'],
      },
      node_count: nodes.length,
      edge_count: edgeValues.length / layout.edgeFields.length,
    },
    nodes: nodeValues,
    edges: edgeValues,
    strings,
  })
}

export const graphOf = (nodes: NodeSpec[], layout?: Layout): HeapGraph => parseHeapGraph(snapshotText(nodes, layout))

/**
 * Node indexes of the skeleton every heap has, as V8 13.6 writes it: the root, "(GC roots)" and the
 * sub-roots the rules look at, and a global object. User nodes start at USER.
 */
export const ROOT = 0
export const GC_ROOTS = 1
export const STACK = 2
export const HANDLES = 3
export const STRING_TABLE = 4
export const ROOT_LIST = 5
export const GLOBAL_HANDLES = 6
export const GLOBAL = 7
export const USER = 8

/**
 * A heap: the skeleton (ids below 100) plus `user` nodes from index USER on. `roots` adds edges:
 * [from skeleton index, edge], e.g. [GLOBAL, ['property', 'cache', USER]].
 */
export function heap(user: NodeSpec[], roots: Array<[from: number, edge: EdgeSpec]> = []): HeapGraph {
  const skeleton: NodeSpec[] = [
    { type: 'synthetic', id: 1, edges: [['element', 1, GC_ROOTS], ['shortcut', 2, GLOBAL]] },
    {
      type: 'synthetic',
      name: '(GC roots)',
      id: 3,
      edges: [
        ['element', 1, STACK],
        ['element', 2, HANDLES],
        ['element', 3, STRING_TABLE],
        ['element', 4, ROOT_LIST],
        ['element', 5, GLOBAL_HANDLES],
      ],
    },
    { type: 'synthetic', name: '(Stack roots)', id: 5 },
    { type: 'synthetic', name: '(Handle scope)', id: 7 },
    { type: 'synthetic', name: '(Internalized strings)', id: 9 },
    { type: 'synthetic', name: '(Strong root list)', id: 11 },
    { type: 'synthetic', name: '(Global handles)', id: 13 },
    { type: 'object', name: 'global', id: 15 },
  ]
  for (const [from, edge] of roots) (skeleton[from]!.edges ??= []).push(edge)
  return graphOf([...skeleton, ...user])
}
