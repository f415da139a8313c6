import v8 from 'node:v8'
import vm from 'node:vm'
import { expect, test } from 'vitest'

// Each check of a ~1 ms block at the default settings, next to what the same work costs by hand in
// the same worker: the floor (the measured cycles, each a call of the block and a full GC) and a
// hand-rolled check (10 cycles, a full GC and heapUsed after each). bench/speed.ts reads `meta`.
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
const sleep = () => new Promise<void>((resolve) => setTimeout(resolve, 1))

/** Measured cycles of a default check: 20 a variant, both variants for a budget. */
const MEASURED = { budget: 40, leak: 20 }

/**
 * The same work done by hand: `count` calls of the block, each followed by a full GC; with `read`,
 * a heap reading after each too (a hand-rolled check). Without it, the floor of a check.
 */
async function byHand(count: number, read: boolean): Promise<number> {
  const readings = new Float64Array(count)
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    await sleep()
    gc()
    if (read) readings[i] = process.memoryUsage().heapUsed
  }
  return performance.now() - started
}

async function timed(check: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await check()
  return performance.now() - started
}

/** Times the check after its floor and a hand-rolled check, in the same worker, and hands them to bench/speed.ts. */
async function againstFloor(meta: object, cycles: number, check: () => Promise<unknown>): Promise<void> {
  const floorMs = await byHand(cycles, false)
  const handRolledMs = await byHand(10, true)
  const checkMs = await timed(check)
  gc()
  Object.assign(meta, { speed: { floorMs, handRolledMs, checkMs, heapBytes: process.memoryUsage().heapUsed } })
}

test('budget check', async ({ task }) => {
  await againstFloor(task.meta, MEASURED.budget, () => expect(sleep).toStayWithinMemoryBudget('plain'))
})

test('budget check with objects', async ({ task }) => {
  await againstFloor(task.meta, MEASURED.budget, () => expect(sleep).toStayWithinMemoryBudget('objects'))
})

test('toLeakMemory, clean', async ({ task }) => {
  await againstFloor(task.meta, MEASURED.leak, () => expect(sleep).not.toLeakMemory())
})

test('toLeakMemory, leaking (names what it keeps)', async ({ task }) => {
  const held: string[] = []
  const leaking = async () => {
    await sleep()
    held.push(`kept ${held.length} `.repeat(64))
  }
  await againstFloor(task.meta, MEASURED.leak, () => expect(expect(leaking).not.toLeakMemory()).rejects.toThrow(/^block leaks memory/))
})
