import { expect, test } from 'vitest'
import { useWorkload } from './workload.ts'

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

const { connectionCycle } = useWorkload()

test('telemetry stays within its memory budget', async () => {
  await expect(({ enabled }) => connectionCycle(enabled)).toStayWithinMemoryBudget('telemetry')
})
