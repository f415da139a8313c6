import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/**
 * A SQLite file for the examples, created once per test file: a small `products` table. Every
 * connection opens its own handle on it, as a driver opens a session on a server.
 */
export interface SampleDatabase {
  path: string
  remove(): void
}

export function createSampleDatabase(): SampleDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'telemetry-example-'))
  const file = path.join(dir, 'shop.db')
  const db = new DatabaseSync(file)
  db.exec('CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL)')
  const insert = db.prepare('INSERT INTO products (name, price) VALUES (?, ?)')
  for (let i = 1; i <= 100; i++) insert.run(`product ${i}`, i * 1.25)
  db.close()
  return { path: file, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
