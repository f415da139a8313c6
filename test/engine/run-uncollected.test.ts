import { describe, expect, test } from 'vitest'
import { makeContexts, runUncollected, type HeapProbe } from '../../src/engine/cycles.ts'

/** A heap whose code grows when the block says so, and that counts collections. */
function fakeHeap() {
  const heap = { code: 0, collections: 0 }
  const probe: HeapProbe = {
    gc: () => void heap.collections++,
    read: () => {
      throw new Error('runUncollected reads no heap')
    },
    code: () => heap.code,
  }
  return { heap, probe }
}

describe('runUncollected (the allocation pass\'s warm-up before its collected cycles)', () => {
  test('calls the block once per cycle and forces no GC', async () => {
    const { heap, probe } = fakeHeap()
    const seen: number[] = []
    const ran = await runUncollected(({ cycle }) => void seen.push(cycle), makeContexts(false, 5, 12), probe, { stopWhenQuiet: 4, count: 12 })
    expect(ran).toBe(4)
    expect(seen).toEqual([5, 6, 7, 8])
    expect(heap.collections).toBe(0)
  })

  test('runs on while V8 compiles, its code read without a GC, up to `count`', async () => {
    const { heap, probe } = fakeHeap()
    // Compiles in each of the first 6 calls: 4 asked, then 4 quiet ones after the last compile.
    expect(await runUncollected(({ cycle }) => void (heap.code += cycle < 6 ? 100 : 0), makeContexts(false, 0, 12), probe, { stopWhenQuiet: 4, count: 12 })).toBe(10)
    heap.code = 0
    expect(await runUncollected(() => void (heap.code += 100), makeContexts(false, 0, 12), probe, { stopWhenQuiet: 4, count: 12 })).toBe(12)
  })
})
