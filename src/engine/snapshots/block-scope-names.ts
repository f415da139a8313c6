import type { HeapGraph } from './heap-graph.ts'

/**
 * The variable a `hidden` slot of a scope's context holds, when V8's snapshot left it unnamed.
 *
 * V8's heap snapshots name the variables of function and script scopes (`context` edges), not of
 * block scopes, whose slots come out as `hidden` edges numbered in order. Vitest runs a module's code
 * inside a block (`async (...) => {{ code }}`, vitest/dist/module-evaluator.js), so every top-level
 * variable of a module under test is a block scope's: the most common holder of a leak, a
 * module-level cache, would read `(closure) -> [0]: Map`. The scope's ScopeInfo does hold the names,
 * as `hidden` edges to strings in slot order (Node 24.21 / V8 13.6, checked on snapshots of
 * `vm.runInThisContext` code of that shape). A slot holding a small integer has no edge at all,
 * so when the scope has more names than edges, the i-th edge is the i-th name or one up to that
 * many places after it: all of them are given, joined with "or", up to three.
 */
export function blockScopeVariable(graph: HeapGraph, context: number, edge: number): string | undefined {
  let scopeInfo = -1
  let slot = -1
  let slots = 0
  for (let e = graph.firstEdge[context]!; e < graph.firstEdge[context + 1]!; e++) {
    const type = graph.edgeTypes[graph.edgeType[e]!]
    // A scope V8 names is not one this is for: its hidden slots are something else.
    if (type === 'context') return undefined
    if (type === 'internal' && graph.strings[graph.edgeNameOrIndex[e]!] === 'scope_info') scopeInfo = graph.edgeTo[e]!
    if (type !== 'hidden') continue
    if (e === edge) slot = slots
    slots++
  }
  if (scopeInfo < 0 || slot < 0) return undefined
  const names: string[] = []
  for (let e = graph.firstEdge[scopeInfo]!; e < graph.firstEdge[scopeInfo + 1]!; e++) {
    if (graph.edgeTypes[graph.edgeType[e]!] !== 'hidden') continue
    const to = graph.edgeTo[e]!
    if (graph.nodeTypes[graph.nodeType[to]!]!.includes('string')) names.push(graph.strings[graph.nodeName[to]!]!)
  }
  const unseen = names.length - slots
  if (unseen < 0 || unseen > 2) return undefined
  return names.slice(slot, slot + unseen + 1).join(' or ')
}
