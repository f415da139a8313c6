import { Batcher } from './batcher.ts'
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.ts'
import { queryCompleted, sessionClosed, sessionOpened, type TelemetryEvent } from './events.ts'
import { BoundedQueue, type OverflowPolicy } from './queue.ts'
import { serializeBatch } from './serialize.ts'
import { HttpTransport } from './transport.ts'

/**
 * The telemetry of one connection: it records session and query events, queues them (bounded),
 * batches them, and a background flush loop POSTs each batch as JSON to the endpoint, through a
 * circuit breaker. Nothing here runs on the query's path but building one event and queueing it.
 *
 * Failures never reach the caller: a batch that cannot be sent is dropped and counted in `stats`.
 */

export interface TelemetryOptions {
  /** The telemetry endpoint, `http://host:port/path`. */
  endpoint: string
  /** Events per HTTP request; a full batch is sent at once, in the background. @default 20 */
  batchSize?: number
  /** Queued events are sent at least this often, in ms. @default 5000 */
  flushIntervalMs?: number
  /** Most events waiting to be sent; past it, `overflow` says which to drop. @default 1000 */
  maxQueue?: number
  /** @default 'drop-oldest' */
  overflow?: OverflowPolicy
  /** A request that takes longer fails. @default 5000 */
  requestTimeoutMs?: number
  breaker?: CircuitBreakerOptions
  /** Client name and version sent with every batch. @default 'sqlite-client/1.0' */
  client?: string
  /**
   * Called after each batch the endpoint accepted, with its events. For diagnostics: whatever the
   * callback keeps, it keeps alive.
   */
  onBatchSent?: (events: readonly TelemetryEvent[]) => void
}

export interface TelemetryStats {
  /** Events recorded by the connection. */
  recorded: number
  /** Events the endpoint accepted. */
  sent: number
  /** Batches the endpoint accepted. */
  batches: number
  /** Events in batches that failed (error status, network error, timeout). */
  failed: number
  /** Events not sent because the circuit was open. */
  rejected: number
  /** Events dropped because the queue was full. */
  dropped: number
  circuit: CircuitState
}

export class Telemetry {
  readonly #queue: BoundedQueue<TelemetryEvent>
  readonly #batcher: Batcher<TelemetryEvent>
  readonly #transport: HttpTransport
  readonly #breaker: CircuitBreaker
  readonly #client: string
  readonly #onBatchSent: ((events: readonly TelemetryEvent[]) => void) | undefined
  #recorded = 0
  #sent = 0
  #batches = 0
  #failed = 0
  #rejected = 0
  #closing: Promise<void> | undefined

  constructor(options: TelemetryOptions) {
    this.#queue = new BoundedQueue<TelemetryEvent>(options.maxQueue ?? 1000, options.overflow ?? 'drop-oldest')
    this.#transport = new HttpTransport({ endpoint: options.endpoint, ...(options.requestTimeoutMs !== undefined && { timeoutMs: options.requestTimeoutMs }) })
    this.#breaker = new CircuitBreaker(options.breaker)
    this.#client = options.client ?? 'sqlite-client/1.0'
    this.#onBatchSent = options.onBatchSent
    this.#batcher = new Batcher<TelemetryEvent>(this.#queue, {
      batchSize: options.batchSize ?? 20,
      flushIntervalMs: options.flushIntervalMs ?? 5000,
      send: (batch) => this.#send(batch),
    })
  }

  sessionOpened(sessionId: string): void {
    this.#record(sessionOpened(sessionId, Date.now()))
  }

  queryCompleted(sessionId: string, statement: string, latencyMs: number, rows: number, error?: string): void {
    this.#record(queryCompleted(sessionId, Date.now(), statement, latencyMs, rows, error))
  }

  sessionClosed(sessionId: string, openMs: number, queries: number): void {
    this.#record(sessionClosed(sessionId, Date.now(), openMs, queries))
  }

  /** Sends everything queued now; resolves once it is sent (or counted as failed). */
  flush(): Promise<void> {
    return this.#batcher.flush()
  }

  /** Sends everything queued, then releases the timer and the HTTP agent's sockets. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#batcher.close()
      await this.#transport.close()
    })()
    return this.#closing
  }

  get stats(): TelemetryStats {
    return {
      recorded: this.#recorded,
      sent: this.#sent,
      batches: this.#batches,
      failed: this.#failed,
      rejected: this.#rejected,
      dropped: this.#queue.dropped,
      circuit: this.#breaker.state,
    }
  }

  #record(event: TelemetryEvent): void {
    this.#recorded++
    this.#batcher.add(event)
  }

  async #send(batch: TelemetryEvent[]): Promise<void> {
    if (!this.#breaker.allowRequest()) {
      this.#rejected += batch.length
      return
    }
    const lost = this.#queue.dropped + this.#rejected + this.#failed
    const body = serializeBatch(batch, { client: this.#client, dropped: lost }, Date.now())
    try {
      await this.#transport.post(body)
    } catch {
      this.#breaker.recordFailure()
      this.#failed += batch.length
      return
    }
    this.#breaker.recordSuccess()
    this.#sent += batch.length
    this.#batches++
    this.#onBatchSent?.(batch)
  }
}
