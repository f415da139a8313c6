import type { HeapGraph } from '../heap-graph.ts'

/**
 * Rule "user-visible objects": which nodes are objects a user made, and the name they are grouped
 * under. Everything else is V8's or Node's bookkeeping: it can add to a user object's bytes (a backing
 * array, a closure's context) but is never counted as an object of its own.
 *
 * Noise it removes: what V8 creates as code runs, warms up and tiers up (bytecode, feedback vectors,
 * handlers, maps and descriptor arrays, transition arrays, contexts), and boxed numbers.
 *
 * How V8 node types map (V8 13.6, Node 24):
 * - `object`: its constructor's name ("Object", "Array", "Map", "Timeout", "TelemetryEvent"; a Node
 *   Buffer is named "Buffer"); except "system / ..." names (V8's `system / Context`): internal.
 * - `closure`: "(closure) name", or "(closure)" for an anonymous function.
 * - `regexp`: "RegExp" (V8 names the node by its pattern, which would split one leak into many groups).
 * - `string`, `concatenated string`, `sliced string`: "(string)" (V8 names them by their contents).
 * - `bigint`: "(bigint)"; `symbol`: "(symbol)".
 * - `hidden`, `array` (elements and property stores), `code`, `object shape`, `number` (boxed
 *   doubles), `native` (off-heap memory), `synthetic` (roots): internal.
 */
export type GroupNamer = (node: number) => string | undefined

export function groupNamer(graph: HeapGraph): GroupNamer {
  const byType = graph.nodeTypes.map(type => namers.get(type))
  return node => byType[graph.nodeType[node]!]?.(graph.strings[graph.nodeName[node]!]!)
}

const STRING = (): string => '(string)'

/** Node type -> the group name of a node of that type, given the node's name. Types not listed are internal. */
const namers = new Map<string, (name: string) => string | undefined>([
  ['object', name => (name.startsWith('system / ') ? undefined : name)],
  ['closure', name => (name === '' ? '(closure)' : `(closure) ${name}`)],
  ['regexp', () => 'RegExp'],
  ['string', STRING],
  ['concatenated string', STRING],
  ['sliced string', STRING],
  ['bigint', () => '(bigint)'],
  ['symbol', () => '(symbol)'],
])
