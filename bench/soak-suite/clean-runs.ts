import { expect, test } from 'vitest'
import { cleanFixtures } from '../../fixtures/blocks/clean.ts'

// The clean fixtures hold nothing and grow by nothing: every limit below is the truth, with no
// headroom, so any failure is a false positive. The clean-mixed budget check reads heap snapshots
// (objects), the strictest path. Each soak file runs its share of SOAK_RUNS, so files run in
// parallel workers as a user's suite does.
const LEAK_CHECKED = cleanFixtures.filter((fixture) => fixture.name !== 'sleep-1ms')

export function soakCleanRuns(share: number, of: number): void {
  const runs = Number(process.env.SOAK_RUNS ?? 200)
  for (let run = share; run < runs; run += of) {
    for (const fixture of LEAK_CHECKED) {
      test(`${fixture.name} leaks nothing, run ${run + 1}`, async () => {
        await expect(fixture.create()).not.toLeakMemory()
      })
    }
    test(`clean-mixed within a zero budget, run ${run + 1}`, async () => {
      await expect(LEAK_CHECKED.find((f) => f.name === 'clean-mixed')!.create()).toStayWithinMemoryBudget('clean')
    })
  }
}
