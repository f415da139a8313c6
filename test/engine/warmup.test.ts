import { describe, expect, test } from 'vitest'
import { makeContexts, type HeapProbe } from '../../src/engine/cycles.ts'
import { createSeries } from '../../src/engine/heap-reading.ts'
import { CheckProgress } from '../../src/engine/progress.ts'
import { warmUpVariant, type WarmupPlan, type WarmupRun } from '../../src/engine/warmup.ts'

/** A heap whose code grows when the block says so, and that counts collections. */
function fakeHeap() {
  const heap = { code: 0, collections: 0 }
  const probe: HeapProbe = {
    gc: () => void heap.collections++,
    read: (series, index) => {
      series.data[index] = 1_000_000
      series.code[index] = heap.code
    },
    code: () => heap.code,
  }
  return { heap, probe }
}

async function warmUp(block: (context: { cycle: number }) => void, plan: WarmupPlan, probe: HeapProbe): Promise<WarmupRun> {
  const ran: WarmupRun = { uncollected: 0, collected: 0 }
  await warmUpVariant(block, makeContexts(false, 0, 60), probe, createSeries(70), 0, plan, ran, new CheckProgress())
  return ran
}

describe('warmUpVariant with its last cycles collected (the allocation pass)', () => {
  test('beyond the last 6 cycles, no GC: the calls compile the code, the collections settle it', async () => {
    const { heap, probe } = fakeHeap()
    const collectionsSeen: number[] = []
    const ran = await warmUp(() => void collectionsSeen.push(heap.collections), { warmup: 10, collected: 6 }, probe)
    expect(ran).toEqual({ uncollected: 4, collected: 6 })
    // 4 calls without a GC, then 6 after the collected loop's first reading.
    expect(collectionsSeen).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 5, 6])
    expect(heap.collections).toBe(1 + 6)
  })

  test('the uncollected part runs on while V8 compiles, its code read without a GC', async () => {
    const { heap, probe } = fakeHeap()
    // Compiles in each of the first 6 calls: the 4 uncollected cycles asked need 4 quiet ones after.
    const ran = await warmUp(({ cycle }) => void (heap.code += cycle < 6 ? 100 : 0), { warmup: 10, collected: 6 }, probe)
    expect(ran).toEqual({ uncollected: 10, collected: 6 })
  })

  test('fixed: exactly that many cycles, split the same way, V8 compiling or not', async () => {
    const { heap, probe } = fakeHeap()
    const ran = await warmUp(() => void (heap.code += 100), { warmup: 10, fixed: 9, collected: 6 }, probe)
    expect(ran).toEqual({ uncollected: 3, collected: 6 })
  })

  test("'all' collects every cycle, as the passes that read the heap do", async () => {
    const { heap, probe } = fakeHeap()
    const collectionsSeen: number[] = []
    const ran = await warmUp(() => void collectionsSeen.push(heap.collections), { warmup: 10, collected: 'all' }, probe)
    expect(ran).toEqual({ uncollected: 0, collected: 10 })
    expect(collectionsSeen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })
})
