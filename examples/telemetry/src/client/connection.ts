import { DatabaseSync, type SQLOutputValue, type StatementSync } from 'node:sqlite'
import { performance } from 'node:perf_hooks'
import { Telemetry, type TelemetryOptions, type TelemetryStats } from '../telemetry/index.ts'

/**
 * A connection of the client: a SQLite database handle (Node's built-in `node:sqlite`), a cache of
 * prepared statements, and, when asked for, the telemetry of the session. With `telemetry: false`
 * no part of the telemetry module is created: no queue, no timer, no HTTP agent, no event.
 */

export type Row = Record<string, SQLOutputValue>

export interface ConnectOptions {
  /** The database file (or ':memory:'). */
  database: string
  /** Telemetry settings, or false for none. */
  telemetry: TelemetryOptions | false
}

let nextConnection = 1

export class Connection {
  /** Unique in the process; telemetry's session id. */
  readonly id: string
  readonly #db: DatabaseSync
  readonly #statements = new Map<string, StatementSync>()
  readonly #telemetry: Telemetry | undefined
  readonly #openedAt = performance.now()
  #queries = 0
  #closed: Promise<void> | undefined

  constructor(options: ConnectOptions) {
    this.id = `conn-${nextConnection++}`
    this.#db = new DatabaseSync(options.database)
    if (options.telemetry) {
      this.#telemetry = new Telemetry(options.telemetry)
      this.#telemetry.sessionOpened(this.id)
    }
  }

  get closed(): boolean {
    return this.#closed !== undefined
  }

  /** The telemetry's counters; undefined when telemetry is off. */
  get telemetry(): TelemetryStats | undefined {
    return this.#telemetry?.stats
  }

  /** Runs `sql` and returns its rows. Statements are prepared once per connection. */
  async query(sql: string, ...params: (string | number | bigint | null)[]): Promise<Row[]> {
    if (this.#closed) throw new Error(`connection ${this.id} is closed`)
    this.#queries++
    const start = performance.now()
    try {
      let statement = this.#statements.get(sql)
      if (statement === undefined) {
        statement = this.#db.prepare(sql)
        this.#statements.set(sql, statement)
      }
      const rows = statement.all(...params)
      this.#telemetry?.queryCompleted(this.id, sql, performance.now() - start, rows.length)
      return rows
    } catch (error) {
      this.#telemetry?.queryCompleted(this.id, sql, performance.now() - start, 0, error instanceof Error ? error.message : String(error))
      throw error
    }
  }

  /** Closes the database handle, then records the session's end and sends what telemetry still holds. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#statements.clear()
      this.#db.close()
      if (this.#telemetry) {
        this.#telemetry.sessionClosed(this.id, performance.now() - this.#openedAt, this.#queries)
        await this.#telemetry.close()
      }
    })()
    return this.#closed
  }
}
