import { expect, test } from 'vitest'

// Checks of a block that takes about 1 ms, with default settings: what a user pays per call.
const runs = Number(process.env.BENCH_SPEED_RUNS ?? 10)
const sleep = () => new Promise((resolve) => setTimeout(resolve, 1))

for (let run = 0; run < runs; run++) {
  test(`budget check, run ${run + 1}`, async () => {
    await expect(sleep).toStayWithinMemoryBudget('sleep')
  })
  test(`budget check reading snapshots (objects), run ${run + 1}`, async () => {
    await expect(sleep).toStayWithinMemoryBudget('sleep-objects')
  })
  test(`toLeakMemory, run ${run + 1}`, async () => {
    await expect(sleep).not.toLeakMemory()
  })
}
