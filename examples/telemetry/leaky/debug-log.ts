import type { TelemetryEvent } from '../src/telemetry/index.ts'

/**
 * LEAKY ON PURPOSE. A debug log someone added while chasing a lost-events bug: every batch the
 * endpoint accepted is kept, to be inspected later. Nothing ever clears `sent`, so every
 * TelemetryEvent of every connection stays reachable from this module for as long as the process
 * lives.
 */
export class DebugLog {
  readonly sent: TelemetryEvent[] = []

  record(events: readonly TelemetryEvent[]): void {
    this.sent.push(...events)
  }
}

export const debugLog = new DebugLog()

/** Pass as `telemetry.onBatchSent`. */
export const keepSentEvents = (events: readonly TelemetryEvent[]): void => debugLog.record(events)
