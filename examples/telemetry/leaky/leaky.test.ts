import { expect, test } from 'vitest'
import { useWorkload } from '../workload.ts'
import { keepSentEvents } from './debug-log.ts'

/**
 * THE LEAKY TWIN of memory.test.ts, which FAILS ON PURPOSE: the same workload and the same budget,
 * but the client is built with the debug log of debug-log.ts, which keeps every event it sent.
 * The check must fail, name TelemetryEvent and show the path that holds the events.
 */

const { connectionCycle } = useWorkload({ onBatchSent: keepSentEvents })

test('LEAKY TWIN (fails on purpose): telemetry that keeps every event it sent', async () => {
  await expect(({ enabled }) => connectionCycle(enabled)).toStayWithinMemoryBudget('telemetry')
})
