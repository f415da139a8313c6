import { afterAll, beforeAll, expect, test } from 'vitest'
import { connect } from '../src/client/index.ts'
import { startEndpoint, type Endpoint } from '../src/endpoint/index.ts'
import { createSampleDatabase, type SampleDatabase } from '../src/sample-database.ts'
import { keepSentEvents } from './debug-log.ts'

/**
 * THE LEAKY TWIN of memory.test.ts, which FAILS ON PURPOSE: the same workload and the same budget,
 * but the client is built with the debug log of debug-log.ts, which keeps every event it sent.
 * The check must fail, name TelemetryEvent and show the path that holds the events.
 */

const SQL = "SELECT 1 as test, 'hello' as msg, 42.0 as num"

let database: SampleDatabase
let endpoint: Endpoint

beforeAll(async () => {
  database = createSampleDatabase()
  endpoint = await startEndpoint()
})

afterAll(async () => {
  await endpoint?.close()
  database?.remove()
})

async function connectionCycle(telemetry: boolean): Promise<void> {
  const conn = await connect({
    database: database.path,
    telemetry: telemetry && { endpoint: endpoint.url, batchSize: 5, onBatchSent: keepSentEvents },
  })
  for (let i = 0; i < 5; i++) await conn.query(SQL)
  await conn.close()
}

test('LEAKY TWIN (fails on purpose): telemetry that keeps every event it sent', async () => {
  await expect(({ enabled }) => connectionCycle(enabled)).toStayWithinMemoryBudget('telemetry')
})
