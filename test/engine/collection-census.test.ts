import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { afterAll, describe, expect, test } from 'vitest'
import { collectionIds, grownSince, takeCensus } from '../../src/engine/collection-census.ts'
import { readHeapGraph } from '../../src/engine/snapshots/heap-graph.ts'
import { confirmGrowing } from '../../src/engine/snapshots/growing-collections.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'census-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

class DefaultMap<K, V> extends Map<K, V> {
  override get size(): number {
    throw new Error('user code ran')
  }
}

describe('the collection census', () => {
  test('finds the Map, Set and Array that gained entries, by how many, and nothing that did not grow', () => {
    const seen = new Map<number, boolean>()
    const ids = new Set<number>()
    const timestamps: number[] = []
    const bounded = Array.from({ length: 10 }, (_, i) => i)
    const subclassed = new DefaultMap<number, number>()
    const census = takeCensus()
    for (let i = 0; i < 20; i++) {
      seen.set(i, true)
      ids.add(i)
      timestamps.push(Date.now())
      bounded.shift()
      bounded.push(i)
      subclassed.set(i, i)
    }
    const grown = grownSince(census, 19).filter(({ target }) => [seen, ids, timestamps, bounded, subclassed].includes(target as never))
    expect(grown.map(({ kind, from, to }) => ({ kind, from, to })).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'Array', from: 0, to: 20 },
      { kind: 'Map', from: 0, to: 20 },
      { kind: 'Map', from: 0, to: 20 },
      { kind: 'Set', from: 0, to: 20 },
    ])
    expect(grown.some(({ target }) => target === bounded)).toBe(false)
  })

  test('names a grown collection by its snapshot id; the snapshots confirm one that existed before, not one made after', () => {
    const before = path.join(dir, 'before.heapsnapshot')
    const after = path.join(dir, 'after.heapsnapshot')
    const old = new Map<number, boolean>()
    const census = takeCensus()
    v8.writeHeapSnapshot(before)
    for (let i = 0; i < 20; i++) old.set(i, true)
    v8.writeHeapSnapshot(after)
    const grown = grownSince(census, 19).filter(({ target }) => target === old)
    const [id] = collectionIds(grown)
    expect(id).toBeGreaterThan(0)
    const confirmed = confirmGrowing(readHeapGraph(before), readHeapGraph(after), [
      { kind: 'Map', from: 0, to: 20, id: id! },
      // An id the first snapshot does not hold: a collection made during the phase.
      { kind: 'Map', from: 0, to: 20, id: readHeapGraph(after).maxOddId + 2 },
      { kind: 'Array', from: 0, to: 20, id: 0 },
    ])
    expect(confirmed).toEqual([{ kind: 'Map', from: 0, to: 20, id, name: 'Map', storeBytes: expect.any(Number) }])
    expect(confirmed[0]!.storeBytes).toBeGreaterThan(0)
  })
})
