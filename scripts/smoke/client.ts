// The `src/client.ts` that README's quick start imports, written by scripts/smoke.ts into the
// consumer project: a database client whose telemetry records an event per query. Telemetry holds
// a bounded amount of memory: a connection buffers at most BUFFERED events and flushes them on close.
// With SMOKE_CLIENT=leaky it also keeps every event in a module-level array that is never cleared,
// the leak the quick start's budget must catch.
import { randomUUID } from 'node:crypto'

export interface Connection {
  query(sql: string): Promise<Array<Record<string, unknown>>>
  close(): Promise<void>
}

interface QueryEvent {
  name: 'db.query'
  traceId: string
  spanId: string
  startedAt: number
  durationMs: number
  attributes: Record<string, string | number>
}

const BUFFERED = 64
/** What the exporter has sent: totals only, so that nothing grows with the number of queries. */
const exported = { batches: 0, events: 0, bytes: 0 }
const everyEvent: QueryEvent[] | undefined = process.env.SMOKE_CLIENT === 'leaky' ? [] : undefined

export async function connect(options: { telemetry: boolean }): Promise<Connection> {
  const traceId = randomUUID()
  const buffer: QueryEvent[] = []
  await Promise.resolve() // connecting is asynchronous
  return {
    async query(sql) {
      const startedAt = performance.now()
      await Promise.resolve()
      const rows = [{ value: 1 }]
      if (options.telemetry) {
        const spanId = randomUUID().slice(0, 16)
        const event: QueryEvent = {
          name: 'db.query',
          traceId,
          spanId,
          startedAt,
          durationMs: performance.now() - startedAt,
          attributes: { 'db.system': 'sqlite', 'db.statement': sql, 'db.rows': rows.length, traceparent: `00-${traceId}-${spanId}-01` },
        }
        if (buffer.length === BUFFERED) flush(buffer)
        buffer.push(event)
        everyEvent?.push(event)
      }
      return rows
    },
    async close() {
      if (buffer.length) flush(buffer)
    },
  }
}

function flush(buffer: QueryEvent[]): void {
  const payload = JSON.stringify({ resource: 'smoke-client', events: buffer })
  exported.batches++
  exported.events += buffer.length
  exported.bytes += payload.length
  buffer.length = 0
}
