/**
 * What the telemetry module records: one event when a session (connection) opens, one per query
 * with its latency, one when the session closes. Events are instances of a class, not object
 * literals, so that a heap snapshot groups them under the constructor name `TelemetryEvent`: the
 * memory budget can then say "no TelemetryEvent may outlive its connection" (`objects`), and a
 * failure names them.
 */

export type TelemetryEventType = 'session.open' | 'query' | 'session.close'

/** Statements are recorded up to this many characters: telemetry must not copy big SQL texts. */
export const STATEMENT_LIMIT = 200

export class TelemetryEvent {
  readonly type: TelemetryEventType
  /** The connection's id, shared by all events of one session. */
  readonly sessionId: string
  /** Wall-clock time the event was recorded, in ms since the epoch. */
  readonly timestamp: number
  /** query: execution time; session.close: how long the session was open. */
  readonly durationMs: number | undefined
  /** query: the statement, truncated to STATEMENT_LIMIT characters. */
  readonly statement: string | undefined
  /** query: rows returned; session.close: queries run in the session. */
  readonly count: number | undefined
  /** query: the error's message when the statement failed. */
  readonly error: string | undefined

  // Every field is assigned in every event, so all events share one V8 shape.
  constructor(
    type: TelemetryEventType,
    sessionId: string,
    timestamp: number,
    details: { durationMs?: number; statement?: string; count?: number; error?: string } = {},
  ) {
    this.type = type
    this.sessionId = sessionId
    this.timestamp = timestamp
    this.durationMs = details.durationMs
    this.statement = details.statement
    this.count = details.count
    this.error = details.error
  }
}

export function sessionOpened(sessionId: string, now: number): TelemetryEvent {
  return new TelemetryEvent('session.open', sessionId, now)
}

export function queryCompleted(
  sessionId: string,
  now: number,
  statement: string,
  latencyMs: number,
  rows: number,
  error?: string,
): TelemetryEvent {
  const text = statement.length > STATEMENT_LIMIT ? statement.slice(0, STATEMENT_LIMIT) : statement
  return new TelemetryEvent('query', sessionId, now, {
    statement: text,
    durationMs: latencyMs,
    count: rows,
    ...(error !== undefined && { error }),
  })
}

export function sessionClosed(sessionId: string, now: number, openMs: number, queries: number): TelemetryEvent {
  return new TelemetryEvent('session.close', sessionId, now, { durationMs: openMs, count: queries })
}
