/**
 * A bounded FIFO queue of events waiting to be sent. Telemetry must never grow without bound when
 * the endpoint is slow or down: past `capacity`, it drops either the oldest queued item (keeping
 * the most recent picture) or the newcomer (keeping the earliest), and counts what it dropped.
 *
 * A ring buffer: pushing and draining never shift an array, and the storage is allocated once.
 */

export type OverflowPolicy = 'drop-oldest' | 'drop-newest'

export class BoundedQueue<T> {
  readonly capacity: number
  readonly overflow: OverflowPolicy
  /** Items dropped because the queue was full, since it was created. */
  dropped = 0
  readonly #items: (T | undefined)[]
  #head = 0
  #size = 0

  constructor(capacity: number, overflow: OverflowPolicy = 'drop-oldest') {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`)
    this.capacity = capacity
    this.overflow = overflow
    this.#items = new Array<T | undefined>(capacity).fill(undefined)
  }

  get size(): number {
    return this.#size
  }

  /** Adds `item`; false when the queue was full and an item (this one or the oldest) was dropped. */
  push(item: T): boolean {
    if (this.#size === this.capacity) {
      this.dropped++
      if (this.overflow === 'drop-newest') return false
      // drop-oldest: the new item takes the oldest one's slot and the head moves past it.
      this.#items[this.#head] = item
      this.#head = (this.#head + 1) % this.capacity
      return false
    }
    this.#items[(this.#head + this.#size) % this.capacity] = item
    this.#size++
    return true
  }

  /** Removes and returns up to `max` items, oldest first. Slots are cleared so that nothing sent stays referenced. */
  take(max: number): T[] {
    const count = Math.min(max, this.#size)
    const out: T[] = []
    for (let i = 0; i < count; i++) {
      out.push(this.#items[this.#head] as T)
      this.#items[this.#head] = undefined
      this.#head = (this.#head + 1) % this.capacity
    }
    this.#size -= count
    return out
  }
}
