import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import { afterAll, describe, expect, test } from 'vitest'
import { explainObjects } from '../../../src/engine/snapshots/explain.ts'
import { nameOf, readHeapGraph, type HeapGraph } from '../../../src/engine/snapshots/heap-graph.ts'

// A module's top-level variables, as Vitest runs them (its code inside a block of an async arrow
// function): V8's snapshots leave a block scope's variables unnamed, and paths name them from the
// scope's ScopeInfo, in this worker's own heap.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'block-scope-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Runs `body` as Vitest runs a module, keeps what it exports, and returns the path to the object of class `held`. */
async function pathOf(body: string, held: string): Promise<string> {
  const exports: Record<string, unknown> = {}
  await (vm.runInThisContext(`'use strict';async (exports)=>{{ ${body} }}`) as (exports: object) => Promise<void>)(exports)
  ;(globalThis as Record<string, unknown>).__blockScopeExports = exports
  try {
    const file = v8.writeHeapSnapshot(path.join(dir, `${held}.heapsnapshot`))
    const graph: HeapGraph = readHeapGraph(file)
    let node = -1
    for (let i = 0; i < graph.nodeCount; i++) if (nameOf(graph, i) === held && graph.nodeTypes[graph.nodeType[i]!] === 'object') node = i
    return explainObjects(graph, [graph.nodeId[node]!]).get(graph.nodeId[node]!)!.path
  } finally {
    delete (globalThis as Record<string, unknown>).__blockScopeExports
  }
}

describe("a block scope's variables in retainer paths", () => {
  test('named when every variable holds an object', async () => {
    const found = await pathOf('class CacheEntry {}; const cache = new Map([[1, new CacheEntry()]]); const log = []; exports.get = () => cache.get(1) ?? log', 'CacheEntry')
    expect(found).toMatch(/^\(closure\)( \w+)? -> cache: Map -> /)
  })

  test('with small integers beside them, which leave no edge: every name the slot can be', async () => {
    const found = await pathOf('class Entry {}; const seen = new Map([[1, new Entry()]]); let n = 0; exports.track = () => seen.set(n++, 1)', 'Entry')
    expect(found).toMatch(/^\(closure\)( \w+)? -> seen or n: Map -> /)
  })
})
