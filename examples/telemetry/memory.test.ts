import { afterAll, beforeAll, expect, test } from 'vitest'
import { connect } from './src/client/index.ts'
import { startEndpoint, type Endpoint } from './src/endpoint/index.ts'
import { createSampleDatabase, type SampleDatabase } from './src/sample-database.ts'

/**
 * The hand-made profile this example replaces (README.md): 10 connection cycles (open, 5 queries,
 * close) with telemetry disabled, 10 with it enabled, and what the enabled ones cost. Here that
 * workload is a memory budget: budget "telemetry" in memory-budgets.json says how much telemetry
 * may hold, leak, allocate and peak at, and that no TelemetryEvent may outlive its connection.
 *
 * The database is kept out of the comparison: both variants open a handle on the same SQLite file
 * and run the same queries, so the database's JavaScript objects cancel between baseline and
 * candidate; and SQLite's page cache lives in SQLite's own native heap, which no V8 reading
 * counts. The endpoint runs in a worker thread, another V8 isolate (src/endpoint/index.ts: why).
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

/** One connection cycle of the hand-made profile: open, 5 queries, close. */
async function connectionCycle(telemetry: boolean): Promise<void> {
  // batchSize 5: the fifth event (open + 4 queries) starts a flush in the background, and close()
  // sends the last two (1 query, close) and waits. Two POSTs a cycle, on one keep-alive socket.
  const conn = await connect({ database: database.path, telemetry: telemetry && { endpoint: endpoint.url, batchSize: 5 } })
  for (let i = 0; i < 5; i++) await conn.query(SQL)
  await conn.close()
}

test('telemetry stays within its memory budget', async () => {
  await expect(({ enabled }) => connectionCycle(enabled)).toStayWithinMemoryBudget('telemetry')
})
