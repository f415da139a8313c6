import http from 'node:http'
import { once } from 'node:events'
import type { Socket } from 'node:net'

/**
 * HTTP POST of one JSON batch to the telemetry endpoint, over a keep-alive agent: the batches of a
 * connection reuse one socket instead of opening one each. The agent belongs to one telemetry
 * instance and is torn down with it, sockets included, so that no socket outlives its connection.
 */

export interface TransportOptions {
  /** Where batches go: `http://host:port/path`. */
  endpoint: string
  /** A request that takes longer is abandoned and counts as a failure. @default 5000 */
  timeoutMs?: number
}

export class TransportError extends Error {
  readonly status: number | undefined
  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TransportError'
    this.status = status
  }
}

export class HttpTransport {
  readonly #url: URL
  readonly #timeoutMs: number
  // One socket is enough for a sequential flush loop; keep-alive lets every batch reuse it.
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 })

  constructor(options: TransportOptions) {
    this.#url = new URL(options.endpoint)
    if (this.#url.protocol !== 'http:') throw new TypeError(`telemetry endpoint must be an http: URL, got ${options.endpoint}`)
    this.#timeoutMs = options.timeoutMs ?? 5000
  }

  /** Sends `body`; resolves with the status of a 2xx answer, rejects with a TransportError otherwise. */
  post(body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          agent: this.#agent,
          method: 'POST',
          hostname: this.#url.hostname,
          port: this.#url.port,
          path: this.#url.pathname,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: this.#timeoutMs,
        },
        (response) => {
          const status = response.statusCode ?? 0
          // The answer's body is not needed, but it must be read for the socket to be reused.
          response.resume()
          response.once('end', () => {
            if (status >= 200 && status < 300) resolve(status)
            else reject(new TransportError(`telemetry endpoint answered ${status}`, status))
          })
          response.once('error', (error) => reject(new TransportError(error.message, status, { cause: error })))
        },
      )
      request.once('timeout', () => request.destroy(new TransportError(`telemetry endpoint did not answer in ${this.#timeoutMs} ms`)))
      request.once('error', (error) => reject(error instanceof TransportError ? error : new TransportError(error.message, undefined, { cause: error })))
      request.end(body)
    })
  }

  /**
   * Closes every socket of the agent and waits until they are closed, so that closing a connection
   * leaves no socket, timer or parser behind for the next one to find.
   */
  async close(): Promise<void> {
    const sockets: Socket[] = []
    for (const list of [...Object.values(this.#agent.freeSockets), ...Object.values(this.#agent.sockets)]) {
      for (const socket of list ?? []) sockets.push(socket)
    }
    const closed = sockets.filter((socket) => !socket.closed).map((socket) => once(socket, 'close'))
    this.#agent.destroy()
    await Promise.all(closed)
  }
}
