import { expect, test } from 'vitest'
import { obtainFullGc } from '../../src/engine/full-gc.ts'
import { createEpilogueReading, createSeries, readHeap, readsInGcEpilogue } from '../../src/engine/heap-reading.ts'

test('V8 11 (Node 20) is read in the GC epilogue; V8 12 and later after gc()', () => {
  expect(readsInGcEpilogue('11.3.244.8-node.33')).toBe(true)
  expect(readsInGcEpilogue('12.4.254.21-node.33')).toBe(false)
  expect(readsInGcEpilogue('13.6.233.17-node.53')).toBe(false)
})

test('the epilogue reading sees what the heap holds, as a reading after gc() does, and needs a full GC before it', () => {
  const { gc, read } = createEpilogueReading(obtainFullGc())
  const inEpilogue = createSeries(2)
  const afterGc = createSeries(2)
  const held: object[] = []
  gc()
  read(inEpilogue, 0)
  readHeap(afterGc, 0)
  // Megabytes of small objects: far above the kilobytes by which the two ways of reading differ.
  for (let i = 0; i < 50_000; i++) held.push({ i, payload: [i, i] })
  gc()
  read(inEpilogue, 1)
  readHeap(afterGc, 1)
  const grew = inEpilogue.data[1]! - inEpilogue.data[0]!
  expect(grew).toBeGreaterThan(2_000_000)
  expect(Math.abs(grew - (afterGc.data[1]! - afterGc.data[0]!))).toBeLessThan(64_000)
  expect(held.length).toBe(50_000)
  expect(() => read(inEpilogue, 1)).toThrow(/without a full GC/)
})
