export class TelemetryEvent {
  kind: string
  at: number
  constructor(kind: string, at: number) {
    this.kind = kind
    this.at = at
  }
}

/** Keeps one TelemetryEvent per enabled query. */
export function leakyClient() {
  const client = { queue: [] as TelemetryEvent[] }
  return ({ enabled, cycle }: { enabled: boolean; cycle: number }) => {
    if (enabled) client.queue.push(new TelemetryEvent('query', cycle))
  }
}

/** Keeps one object per cycle, whatever enabled. */
export function leakyBlock() {
  const kept: object[] = []
  return ({ cycle }: { cycle: number }) => {
    kept.push({ cycle })
  }
}

/** Makes events and drops them. */
export function cleanClient() {
  return ({ enabled, cycle }: { enabled: boolean; cycle: number }) => {
    const events: TelemetryEvent[] = []
    for (let i = 0; i < 100; i++) events.push(new TelemetryEvent(enabled ? 'on' : 'off', cycle + i))
    return events.length
  }
}
