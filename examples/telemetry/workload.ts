import { afterAll, beforeAll } from 'vitest'
import { connect } from './src/client/index.ts'
import { startEndpoint, type Endpoint } from './src/endpoint/index.ts'
import { createSampleDatabase, type SampleDatabase } from './src/sample-database.ts'
import type { TelemetryOptions } from './src/telemetry/telemetry.ts'

/** The seed's query. */
export const SQL = "SELECT 1 as test, 'hello' as msg, 42.0 as num"

export interface Workload {
  /** The sample database and the endpoint, from the file's beforeAll on. */
  readonly database: SampleDatabase
  readonly endpoint: Endpoint
  /** One connection cycle of the hand-made profile: open, 5 queries, close. */
  connectionCycle(telemetry: boolean): Promise<void>
}

/**
 * What every test file of the example shares: the sample database and the endpoint, started before
 * the calling file's tests and stopped after them, and the seed's connection cycle. `telemetry`
 * adds to the cycle's telemetry options (the leaky twin's debug log).
 */
export function useWorkload(telemetry: Partial<TelemetryOptions> = {}): Workload {
  let database: SampleDatabase | undefined
  let endpoint: Endpoint | undefined
  beforeAll(async () => {
    database = createSampleDatabase()
    endpoint = await startEndpoint()
  })
  afterAll(async () => {
    await endpoint?.close()
    database?.remove()
  })
  return {
    get database() {
      return database!
    },
    get endpoint() {
      return endpoint!
    },
    async connectionCycle(enabled) {
      // batchSize 5: the fifth event (open + 4 queries) starts a flush in the background, and close()
      // sends the last two (1 query, close) and waits. Two POSTs a cycle, on one keep-alive socket.
      const conn = await connect({ database: database!.path, telemetry: enabled && { endpoint: endpoint!.url, batchSize: 5, ...telemetry } })
      for (let i = 0; i < 5; i++) await conn.query(SQL)
      await conn.close()
    },
  }
}
