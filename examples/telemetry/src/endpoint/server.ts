import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WireBatch } from '../telemetry/serialize.ts'

/**
 * The telemetry endpoint the examples send to: an HTTP server that accepts POSTed JSON batches and
 * counts what it receives, by event type. It can be told to fail, to exercise the client's circuit
 * breaker: answer 500, or destroy the socket before answering.
 *
 * This module only builds the server; worker.ts runs it in a worker thread (see index.ts for why).
 */

export type FailureMode = 'none' | 'status-500' | 'destroy'

export interface EndpointCounts {
  /** Requests received, accepted or not. */
  requests: number
  /** Batches accepted. */
  batches: number
  /** Events in accepted batches. */
  events: number
  /** Events in accepted batches, by type: 'session.open', 'query', 'session.close'. */
  byType: Record<string, number>
  /** Requests failed on purpose (failure mode) or refused as malformed. */
  refused: number
  /** The largest `dropped` figure a client reported: events it lost before sending. */
  clientDropped: number
}

export interface EndpointServer {
  /** The URL to POST batches to. */
  url: string
  counts(): EndpointCounts
  reset(): void
  setFailure(mode: FailureMode): void
  close(): Promise<void>
}

const PATH = '/v1/telemetry'

const emptyCounts = (): EndpointCounts => ({ requests: 0, batches: 0, events: 0, byType: {}, refused: 0, clientDropped: 0 })

export async function startEndpointServer(): Promise<EndpointServer> {
  let counts = emptyCounts()
  let failure: FailureMode = 'none'

  const server = http.createServer((request, response) => {
    counts.requests++
    if (failure === 'destroy') {
      counts.refused++
      request.socket.destroy()
      return
    }
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (failure === 'status-500') {
        counts.refused++
        response.writeHead(500).end()
        return
      }
      let batch: WireBatch
      try {
        if (request.method !== 'POST' || request.url !== PATH) throw new Error('not a telemetry request')
        batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WireBatch
        if (batch.schema !== 1 || !Array.isArray(batch.events)) throw new Error('not a telemetry batch')
      } catch {
        counts.refused++
        response.writeHead(400).end()
        return
      }
      counts.batches++
      counts.events += batch.events.length
      counts.clientDropped = Math.max(counts.clientDropped, batch.dropped)
      for (const event of batch.events) counts.byType[event.type] = (counts.byType[event.type] ?? 0) + 1
      response.writeHead(204).end()
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    counts: () => structuredClone(counts),
    reset: () => {
      counts = emptyCounts()
      failure = 'none'
    },
    setFailure: (mode) => {
      failure = mode
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
