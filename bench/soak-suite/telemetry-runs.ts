import { expect, test } from 'vitest'
import { useWorkload } from '../../examples/telemetry/workload.ts'

// The example suite's budget check (examples/telemetry/memory.test.ts), SOAK_RUNS times, in two
// files, against the example's own budget, copied as "telemetry" into this suite's file without
// `direct`: its `sites.direct` glob is relative to the example's root, and files outside a root never match.

/** Defines this file's share of SOAK_RUNS runs (two files, so that two workers share them). */
export function soakTelemetryRuns(share: number, of: number): void {
  const { connectionCycle } = useWorkload()
  const runs = Number(process.env.SOAK_RUNS ?? 200)
  for (let run = share; run < runs; run += of) {
    test(`telemetry example within its budget, run ${run + 1}`, async () => {
      await expect(({ enabled }) => connectionCycle(enabled)).toStayWithinMemoryBudget('telemetry')
    })
  }
}
