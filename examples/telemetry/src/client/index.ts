import { Connection, type ConnectOptions } from './connection.ts'

export { Connection, type ConnectOptions, type Row } from './connection.ts'

/**
 * Opens a connection. Async like a network driver's, though opening a SQLite file is synchronous:
 * callers are written the same way whatever the database.
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  return new Connection(options)
}
