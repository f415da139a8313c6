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
 * - `native`: internal (off-heap memory), except a DOM node a browser's snapshot marks detached:
 *   "Detached <tag class>" (detachedName).
 * - `hidden`, `array` (elements and property stores), `code`, `object shape`, `number` (boxed
 *   doubles), `synthetic` (roots): internal. So are strings of no size, a browser's names of numbers.
 */
export type GroupNamer = (node: number) => string | undefined

export function groupNamer(graph: HeapGraph): GroupNamer {
  const byType = graph.nodeTypes.map(type => namers.get(type))
  const native = graph.nodeTypes.indexOf('native')
  const string = graph.nodeTypes.indexOf('string')
  return node => {
    const type = graph.nodeType[node]!
    const name = graph.strings[graph.nodeName[node]!]!
    if (type === native) return graph.nodeDetached[node] === 1 ? detachedName(name) : undefined
    // A browser's snapshot names numbers through strings of no size: not objects anyone made.
    if (type === string && graph.nodeSelfSize[node] === 0) return undefined
    return byType[type]?.(name)
  }
}

/**
 * `Detached <div class="tooltip">`: a detached DOM node, which Blink names by its tag and attributes
 * (`<div class="tooltip" id="tip-7">`). Only the tag and the class stay, so that nodes a leak keeps
 * alike fall in one group; a text node is `Detached #text`.
 */
export function detachedName(name: string): string {
  const element = /^<([\w-]+)(?:[^>]*?\sclass="([^"]*)")?/.exec(name)
  if (!element) return `Detached ${name}`
  return element[2] ? `Detached <${element[1]} class="${element[2]}">` : `Detached <${element[1]}>`
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
