import type { TelemetryEvent } from './events.ts'

/**
 * The wire format: one JSON document per batch. Undefined fields are left out by JSON.stringify,
 * so a session event carries only what it has.
 */

export interface BatchMeta {
  /** Which client sent the batch, and its version. */
  client: string
  /** Events the client dropped (full queue, open circuit) before this batch: the endpoint sees the loss. */
  dropped: number
}

/** The batch as the endpoint parses it. */
export interface WireBatch {
  schema: 1
  client: string
  sentAt: number
  dropped: number
  events: {
    type: string
    sessionId: string
    timestamp: number
    durationMs?: number
    statement?: string
    count?: number
    error?: string
  }[]
}

/** The batch as JSON text; an event's fields are its own enumerable properties, in declaration order. */
export function serializeBatch(events: readonly TelemetryEvent[], meta: BatchMeta, now: number): string {
  return JSON.stringify({ schema: 1, client: meta.client, sentAt: now, dropped: meta.dropped, events })
}
