/**
 * Reads a `.heapsnapshot` file as a stream of bytes, straight into the typed columns of a HeapGraph.
 * One JSON.parse of the whole file needs the file as one string, then every number of the node and
 * edge tables as an element of a JS array, before the columns are filled: 3.6 times the file in
 * memory for the parse alone, and no string holds a file over 512 MB (a 500 MB heap's is 860 MB).
 * Here a megabyte of the file is in memory at a time; the peak is the columns (21 bytes a node, 9 an
 * edge, against some 35 and 15 in the file's text) and the string table.
 *
 * The format, as `v8.writeHeapSnapshot` writes it: `{"snapshot":{"meta":{...},"node_count":N,
 * "edge_count":M,...},"nodes":[...],"edges":[...],...,"strings":[...]}`. The reader takes the keys in
 * any order after `snapshot` (which must come first: it says how to read the tables), skips those it
 * does not know, and sizes the columns from node_count and edge_count when the header has them.
 */
import { Buffer } from 'node:buffer'

export interface SnapshotMeta {
  node_fields: string[]
  node_types: [string[], ...unknown[]]
  edge_fields: string[]
  edge_types: [string[], ...unknown[]]
}

/** What the stream hands the graph builder: the header, then each row of each table, then the strings. */
export interface SnapshotSink {
  header(meta: SnapshotMeta, counts: { nodes?: number; edges?: number }): void
  /** A row of the node table or the edge table: `values` holds its fields, in the file's order. */
  nodeRow(values: Float64Array): void
  edgeRow(values: Float64Array): void
  string(value: string): void
}

/** Reads into `into` from `at`, at most `length` bytes; returns how many, 0 at the end. */
export type ReadBytes = (into: Buffer, at: number, length: number) => number

const CHUNK = 1 << 20

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const ZERO = 0x30
const NINE = 0x39

export const NOT_A_SNAPSHOT = 'Not a V8 heap snapshot: expected snapshot.meta, nodes, edges and strings'
export const TRUNCATED_TABLE = 'Truncated heap snapshot: the node or edge table does not divide into whole records'

/** Streams a snapshot's bytes to `sink`. Throws on anything that is not one. */
export function streamSnapshot(read: ReadBytes, sink: SnapshotSink): void {
  new SnapshotStream(read, sink).run()
}

class SnapshotStream {
  private buf = Buffer.allocUnsafe(CHUNK)
  private pos = 0
  private end = 0
  /** Where a value being captured starts: kept across reads, with everything after it. -1: none. */
  private mark = -1
  private ended = false
  private meta: SnapshotMeta | undefined
  private readonly seen = new Set<string>()

  private readonly read: ReadBytes
  private readonly sink: SnapshotSink

  constructor(read: ReadBytes, sink: SnapshotSink) {
    this.read = read
    this.sink = sink
  }

  run(): void {
    this.expect(OPEN_BRACE)
    if (this.peek() === CLOSE_BRACE) throw new Error(NOT_A_SNAPSHOT)
    for (;;) {
      const key = this.string()
      this.expect(COLON)
      if (!this.meta && key !== 'snapshot') throw new Error(NOT_A_SNAPSHOT)
      this.value(key)
      this.seen.add(key)
      const next = this.peek()
      this.pos++
      if (next === CLOSE_BRACE) break
      if (next !== COMMA) throw this.corrupt('a comma or the end of the snapshot', this.pos - 1)
    }
    if (!this.seen.has('nodes') || !this.seen.has('edges') || !this.seen.has('strings')) throw new Error(NOT_A_SNAPSHOT)
  }

  private value(key: string): void {
    if (key === 'snapshot') {
      const header = JSON.parse(this.captureValue()) as { meta?: SnapshotMeta; node_count?: number; edge_count?: number } | null
      if (!header?.meta) throw new Error(NOT_A_SNAPSHOT)
      this.meta = header.meta
      this.sink.header(header.meta, { nodes: header.node_count, edges: header.edge_count })
    } else if (key === 'nodes') {
      this.numbers(this.meta!.node_fields.length, true)
    } else if (key === 'edges') {
      this.numbers(this.meta!.edge_fields.length, false)
    } else if (key === 'strings') {
      this.strings()
    } else {
      this.skipValue()
    }
  }

  /** A table of non-negative integers, handed on a row at a time: the node table's, or the edge table's. */
  private numbers(fields: number, nodes: boolean): void {
    if (fields === 0) throw new Error(NOT_A_SNAPSHOT)
    this.expect(OPEN_BRACKET)
    const values = new Float64Array(fields)
    let field = 0
    let value = 0
    let digits = 0
    // The hot loop of the reader, over most of the file's bytes: the buffer and positions in locals.
    let buf = this.buf
    let pos = this.pos
    let end = this.end
    for (;;) {
      if (pos === end) {
        this.pos = pos
        if (this.more() < 0) throw truncated()
        buf = this.buf
        pos = this.pos
        end = this.end
      }
      const byte = buf[pos++]!
      if (byte >= ZERO && byte <= NINE) {
        value = value * 10 + (byte - ZERO)
        digits++
        continue
      }
      if (digits > 0) {
        values[field++] = value
        if (field === fields) {
          // A call site for each table: one closure for both made every call a polymorphic one.
          if (nodes) this.sink.nodeRow(values)
          else this.sink.edgeRow(values)
          field = 0
        }
        value = 0
        digits = 0
      }
      if (byte === CLOSE_BRACKET) break
      if (byte !== COMMA && !isSpace(byte)) {
        this.pos = pos
        throw this.corrupt('a number', pos - 1)
      }
    }
    this.pos = pos
    if (field !== 0) throw new Error(TRUNCATED_TABLE)
  }

  private strings(): void {
    this.expect(OPEN_BRACKET)
    if (this.peek() === CLOSE_BRACKET) {
      this.pos++
      return
    }
    for (;;) {
      this.sink.string(this.string())
      const next = this.peek()
      this.pos++
      if (next === CLOSE_BRACKET) return
      if (next !== COMMA) throw this.corrupt('a comma or the end of the strings', this.pos - 1)
    }
  }

  /** The JSON string at the next non-space byte, consumed and decoded. */
  private string(): string {
    if (this.peek() !== QUOTE) throw this.corrupt('a string')
    const outer = this.mark
    if (outer < 0) this.mark = this.pos
    const end = this.scanString()
    const start = this.pos
    this.pos = end + 1
    this.mark = outer
    // V8 writes only ASCII, escaping the rest: most strings need no decoding.
    return this.plain ? this.buf.toString('latin1', start + 1, end) : (JSON.parse(this.buf.toString('utf8', start, end + 1)) as string)
  }

  /** Whether the string scanString last found has neither escapes nor bytes beyond ASCII. */
  private plain = true

  /**
   * Finds the closing quote of the string whose opening quote is at `pos`, reading on as needed (the
   * caller marks where to keep from). Returns its index; `pos` stays at the opening quote.
   */
  private scanString(): number {
    let at = this.pos + 1
    this.plain = true
    for (;;) {
      if (at >= this.end) {
        const shift = this.more()
        if (shift < 0) throw truncated()
        at -= shift
        continue
      }
      const byte = this.buf[at]!
      if (byte === QUOTE) return at
      if (byte === BACKSLASH) {
        this.plain = false
        at += 2
      } else {
        if (byte >= 0x80) this.plain = false
        at++
      }
    }
  }

  /** The text of the JSON value at the next non-space byte, consumed. */
  private captureValue(): string {
    this.peek()
    const outer = this.mark
    this.mark = this.pos
    this.skipValue()
    const text = this.buf.toString('utf8', this.mark, this.pos)
    this.mark = outer
    return text
  }

  /** Consumes one JSON value: an array or object with all it holds, a string, a number or a literal. */
  private skipValue(): void {
    let depth = 0
    for (;;) {
      if (this.pos === this.end && this.more() < 0) {
        if (depth === 0) return
        throw truncated()
      }
      const byte = this.buf[this.pos]!
      if (byte === QUOTE) {
        this.pos = this.scanString() + 1
        if (depth === 0) return
        continue
      }
      if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
        depth++
      } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE || byte === COMMA) {
        // The end of a number or literal at depth 0 is its container's: not consumed.
        if (depth === 0) return
        if (byte !== COMMA && --depth === 0) {
          this.pos++
          return
        }
      }
      this.pos++
    }
  }

  /** The next byte that is not a space, not consumed; -1 at the end. */
  private peek(): number {
    for (;;) {
      while (this.pos < this.end) {
        const byte = this.buf[this.pos]!
        if (!isSpace(byte)) return byte
        this.pos++
      }
      if (this.more() < 0) return -1
    }
  }

  private expect(byte: number): void {
    const found = this.peek()
    if (found < 0) throw truncated()
    if (found !== byte) throw this.corrupt(JSON.stringify(String.fromCharCode(byte)))
    this.pos++
  }

  /**
   * Reads more of the file, keeping what is from `mark` (or `pos`) on: moved to the start of the
   * buffer, which doubles when it is full of it. Returns how far positions moved back, -1 at the end.
   */
  private more(): number {
    if (this.ended) return -1
    const keep = this.mark >= 0 ? this.mark : this.pos
    const kept = this.end - keep
    if (kept === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2)
      this.buf.copy(bigger, 0, keep, this.end)
      this.buf = bigger
    } else if (keep > 0) {
      this.buf.copyWithin(0, keep, this.end)
    }
    this.pos -= keep
    if (this.mark >= 0) this.mark -= keep
    this.end = kept
    const read = this.read(this.buf, this.end, this.buf.length - this.end)
    if (read === 0) {
      this.ended = true
      return -1
    }
    this.end += read
    return keep
  }

  private corrupt(expected: string, at = this.pos): Error {
    const found = at < this.end ? JSON.stringify(String.fromCharCode(this.buf[at]!)) : 'the end of the file'
    return new Error(`Corrupt heap snapshot: expected ${expected}, found ${found}`)
  }
}

function truncated(): Error {
  return new Error('Truncated heap snapshot: the file ends inside its JSON')
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}
