import { expect, test } from 'vitest'

// A default check on a block that takes about 1 ms: what a user pays per matcher call.
const runs = Number(process.env.BENCH_SPEED_RUNS ?? 10)
for (let run = 0; run < runs; run++) {
  test(`default budget check of a 1 ms block, run ${run + 1}`, async () => {
    await expect(() => new Promise((resolve) => setTimeout(resolve, 1))).toStayWithinMemoryBudget('sleep')
  })
}
