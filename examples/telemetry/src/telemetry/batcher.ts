import type { BoundedQueue } from './queue.ts'

/**
 * The background side of telemetry: events are queued by the caller and sent in batches, never on
 * the caller's path. A batch goes out when `batchSize` events are waiting, every `flushIntervalMs`
 * (a timer that is unref'd: telemetry never keeps a process alive), and on `close()`, which sends
 * everything still queued and waits for it.
 *
 * One flush loop at a time: it sends batch after batch until the queue is empty, so events queued
 * while a batch is in flight go with the next one, and batches reach the endpoint in order.
 */

export interface BatcherOptions<T> {
  batchSize: number
  flushIntervalMs: number
  /** Sends one batch. Must not reject: a failed batch is the sender's to count. */
  send: (batch: T[]) => Promise<void>
}

export class Batcher<T> {
  readonly #queue: BoundedQueue<T>
  readonly #options: BatcherOptions<T>
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #closed = false

  constructor(queue: BoundedQueue<T>, options: BatcherOptions<T>) {
    this.#queue = queue
    this.#options = options
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs)
    this.#timer.unref()
  }

  /** Queues `item`; starts a flush in the background once a batch is full. */
  add(item: T): void {
    if (this.#closed) throw new Error('telemetry is closed')
    this.#queue.push(item)
    if (this.#queue.size >= this.#options.batchSize) void this.flush()
  }

  /** Sends every queued item; resolves when the queue is empty and nothing is in flight. */
  flush(): Promise<void> {
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  /** Stops the timer, then sends everything still queued. Later `add()` calls throw. */
  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#timer = undefined
    // An item queued between the loop's last check and the end of its promise waits for no timer:
    // go round until the queue is empty and no loop runs.
    while (this.#running !== undefined || this.#queue.size > 0) await this.flush()
  }

  async #drain(): Promise<void> {
    while (this.#queue.size > 0) await this.#options.send(this.#queue.take(this.#options.batchSize))
  }
}
