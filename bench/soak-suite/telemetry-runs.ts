import { afterAll, beforeAll, expect, test } from 'vitest'
import { connect } from '../../examples/telemetry/src/client/index.ts'
import { startEndpoint, type Endpoint } from '../../examples/telemetry/src/endpoint/index.ts'
import { createSampleDatabase, type SampleDatabase } from '../../examples/telemetry/src/sample-database.ts'

// The example suite's budget check (examples/telemetry/memory.test.ts), SOAK_RUNS times, in two
// files, against the example's own budget, copied as "telemetry" into this suite's file without
// `direct`: its `sites.direct` glob is relative to the example's root, and files outside a root never match.
const SQL = "SELECT 1 as test, 'hello' as msg, 42.0 as num"
let database: SampleDatabase
let endpoint: Endpoint

async function connectionCycle(telemetry: boolean): Promise<void> {
  const conn = await connect({ database: database.path, telemetry: telemetry && { endpoint: endpoint.url, batchSize: 5 } })
  for (let i = 0; i < 5; i++) await conn.query(SQL)
  await conn.close()
}

/** Defines this file's share of SOAK_RUNS runs (two files, so that two workers share them). */
export function soakTelemetryRuns(share: number, of: number): void {
  beforeAll(async () => {
    database = createSampleDatabase()
    endpoint = await startEndpoint()
  })
  afterAll(async () => {
    await endpoint?.close()
    database?.remove()
  })
  const runs = Number(process.env.SOAK_RUNS ?? 200)
  for (let run = share; run < runs; run += of) {
    test(`telemetry example within its budget, run ${run + 1}`, async () => {
      await expect(({ enabled }) => connectionCycle(enabled)).toStayWithinMemoryBudget('telemetry')
    })
  }
}
