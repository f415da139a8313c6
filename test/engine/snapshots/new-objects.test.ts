/**
 * findNewObjects on real heap snapshots of blocks whose truth is known (fixtures/blocks), taken the
 * way the engine will take them: warm up, full GC, snapshot, N cycles with a full GC after each,
 * snapshot again (and, for candidate blocks, N more cycles and a third snapshot).
 *
 * Everything is measured in beforeAll, before any test runs: Vitest reports each test's start and
 * end to the main process, and a message in flight is live objects in the worker's heap. A case's
 * snapshots are parsed only once all of them are written (a parsed snapshot in the heap makes the
 * next one bigger and slower), then deleted.
 *
 * Set SNAPSHOT_DIFF_REPORT=1 to print every phase's groups and the timings.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { beforeAll, describe, expect, test } from 'vitest'
import { type Block, fixtureByName } from '../../../fixtures/blocks/index.ts'
import { flatString, ReservedArray } from '../../../fixtures/blocks/payload.ts'
import { createHeapProbe } from '../../../src/engine/heap-probe.ts'
import { settle } from '../../../src/engine/settle.ts'
import { readHeapGraph } from '../../../src/engine/snapshots/heap-graph.ts'
import { findNewObjects, type PhaseObjects } from '../../../src/engine/snapshots/new-objects.ts'

const WARMUP = 20
const CYCLES = 10
/** A clean phase may hold this much in new objects (it holds 0 in every run so far). */
const CLEAN_BYTES = 2 * 1024

/** A leaked object of the test's own, with fields of its own: it must count once, fields folded in. */
class TelemetryEvent {
  readonly name: string
  readonly tags: string[]
  readonly timing: { start: number; end: number }
  constructor(id: number) {
    this.name = flatString(64, id)
    this.tags = ['cycle', flatString(32, id)]
    this.timing = { start: id, end: id + 1 }
  }
}

/**
 * A TelemetryEvent with all it alone holds: the event (24-byte header + 3 fields: 48), its two strings
 * (64 + 32), the tags array (32) and its elements (16 + 2 slots: 32), the timing object (24 + 2
 * fields: 40). 'cycle' is a literal, older than any phase.
 */
const EVENT_BYTES = 48 + 64 + 32 + 32 + 32 + 40

/** An object literal of 10 fields: a 24-byte header and 10 slots of 8 bytes, 104 bytes. */
function hundredByteObject(id: number): object {
  return { a: id, b: id, c: id, d: id, e: id, f: id, g: id, h: id, i: id, j: id }
}

/** One RegExp, BigInt, Symbol, ConsString and SlicedString a cycle, each holding nothing shared. */
function otherKinds(): Block {
  const held = new ReservedArray<unknown>()
  const parent = flatString(1024, 0)
  let id = 1
  return () => {
    held.push(new RegExp(`event-${id}-[a-z]+`))
    held.push(BigInt(id) << 200n)
    held.push(Symbol(`symbol ${id}`))
    // Both halves are fresh strings held only by the ConsString; a slice of 13+ characters is a
    // SlicedString over the (old) parent.
    held.push('a'.repeat(100 + id) + 'b'.repeat(50))
    held.push(parent.slice(id, id + 100))
    id++
  }
}

/** Keeps the last 5 events: each cycle drops the oldest as it takes a new one. Clean. */
function boundedQueue(): Block {
  const queue: TelemetryEvent[] = []
  let id = 0
  return () => {
    queue.push(new TelemetryEvent(id++))
    if (queue.length > 5) queue.shift()
  }
}

/** A cache cleared and refilled with 50 fresh entries every cycle. Clean. */
function rebuiltCache(): Block {
  const cache = new Map<number, TelemetryEvent>()
  let id = 0
  return () => {
    cache.clear()
    for (let i = 0; i < 50; i++) cache.set(i, new TelemetryEvent(id++))
  }
}

/** Leaks one event a cycle and replaces another: only the leak is growth. */
function leakBesideSingleton(): Block {
  const held = new ReservedArray<TelemetryEvent>()
  const state = { latest: new TelemetryEvent(-1) }
  let id = 0
  return () => {
    held.push(new TelemetryEvent(id++))
    state.latest = new TelemetryEvent(id++)
  }
}

/** Keeps its events in state updated immutably: a new state and a new array every cycle, one more event. */
function immutableState(): Block {
  let state = { updates: 0, events: [] as TelemetryEvent[] }
  let id = 0
  return () => {
    state = { updates: state.updates + 1, events: [...state.events, new TelemetryEvent(id++)] }
  }
}

function holding<T>(make: (id: number) => T): () => Block {
  return () => {
    const held = new ReservedArray<T>()
    return () => held.push(make(held.length))
  }
}

interface Case {
  name: string
  create(): Block
  /** One entry per measured phase: `enabled` for its cycles. */
  phases: boolean[]
}

const fixture = (name: string, phases: boolean[] = [false]): Case => ({ name, create: () => fixtureByName(name).create(), phases })

const CASES: Case[] = [
  fixture('leak-array-1kb'),
  fixture('leak-map-1kb'),
  fixture('leak-closure-1kb'),
  fixture('leak-listener-1kb'),
  fixture('leak-timer-1kb'),
  fixture('leak-buffer-1kb'),
  fixture('leak-buffer-64b'),
  fixture('leak-every-4th-16kb'),
  { name: 'TelemetryEvent', create: holding(id => new TelemetryEvent(id)), phases: [false] },
  { name: '100-byte object', create: holding(hundredByteObject), phases: [false] },
  { name: 'other kinds', create: otherKinds, phases: [false] },
  { name: 'leak beside a replaced singleton', create: leakBesideSingleton, phases: [false] },
  { name: 'immutable state', create: immutableState, phases: [false] },
  { name: 'bounded queue', create: boundedQueue, phases: [false] },
  { name: 'rebuilt cache', create: rebuiltCache, phases: [false] },
  fixture('candidate-cache-200kb', [false, true]),
  fixture('candidate-retains-2kb', [false, true]),
  // clean-mixed runs what clean-garbage and clean-promises do, and more; the others each bring a
  // noise of their own (Node's Buffer pool replaced, timer lists made and deleted). Each case costs
  // ~0.2 s a snapshot.
  fixture('clean-mixed'),
  fixture('clean-buffers'),
  fixture('clean-timers'),
  // Bounded structures, full, whose entries churn at a constant count (issue 13, item 5), and a
  // cache whose churn comes with growth.
  fixture('clean-lru-linked'),
  fixture('clean-lru-map'),
  fixture('clean-lru-map-churn-4'),
  fixture('clean-ring-buffer'),
  fixture('clean-object-cache'),
  fixture('leak-cache-evicts-fewer'),
]

interface Measured {
  /** One per phase. */
  phases: PhaseObjects[]
  writeMs: number[]
  parseMs: number[]
  diffMs: number[]
  /** Used heap when the last snapshot was written, bytes. */
  heapBytes: number
  /** Size of the last snapshot file, bytes. */
  fileBytes: number
}

const results = new Map<string, Measured | Error>()
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmb-snapshots-'))

async function measure(probe: ReturnType<typeof createHeapProbe>, testCase: Case): Promise<Measured> {
  const files: string[] = []
  const writeMs: number[] = []
  let heapBytes = 0
  const snapshot = async (): Promise<void> => {
    await settle()
    probe.gc()
    const file = path.join(dir, `${files.length}.heapsnapshot`)
    heapBytes = v8.getHeapStatistics().used_heap_size
    const started = performance.now()
    v8.writeHeapSnapshot(file)
    writeMs.push(performance.now() - started)
    files.push(file)
  }

  const block = testCase.create()
  try {
    let cycle = 0
    for (let i = 0; i < WARMUP; i++) {
      await block({ enabled: false, cycle: cycle++ })
      await settle()
      probe.gc()
    }
    await snapshot()
    // Index loops: a for-of iterator made after the first snapshot would be the harness's own new
    // object, kept across the phase by its frame, and rightly counted.
    for (let phase = 0; phase < testCase.phases.length; phase++) {
      const enabled = testCase.phases[phase]!
      for (let i = 0; i < CYCLES; i++) {
        await block({ enabled, cycle: cycle++ })
        await settle()
        probe.gc()
      }
      await snapshot()
    }
  } finally {
    block.dispose?.()
  }

  const fileBytes = fs.statSync(files.at(-1)!).size
  const parseMs: number[] = []
  const graphs = files.map(file => {
    const started = performance.now()
    const graph = readHeapGraph(file)
    parseMs.push(performance.now() - started)
    fs.rmSync(file)
    return graph
  })
  const diffMs: number[] = []
  const phases = testCase.phases.map((_, i) => {
    const started = performance.now()
    const found = findNewObjects(graphs[i]!, graphs[i + 1]!)
    diffMs.push(performance.now() - started)
    return found
  })
  return { phases, writeMs, parseMs, diffMs, heapBytes, fileBytes }
}

beforeAll(async () => {
  const probe = createHeapProbe()
  try {
    for (const testCase of CASES) {
      results.set(testCase.name, await measure(probe, testCase).catch((error: unknown) => error as Error))
      probe.gc()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  if (process.env.SNAPSHOT_DIFF_REPORT) console.log(report())
})

function measured(name: string): Measured {
  const m = results.get(name)
  if (m === undefined || m instanceof Error) throw m ?? new Error(`${name} was not measured`)
  return m
}

const brief = ({ groups, bytes }: PhaseObjects): string =>
  `${bytes} B in [${groups.map(g => `${g.name} x${g.count} ${g.bytes} B`).join(', ')}]`

function report(): string {
  const ms = (values: number[]) => values.map(v => v.toFixed(0)).join('/')
  const rows = CASES.map(({ name }) => {
    const m = results.get(name)
    if (!m || m instanceof Error) return `${name} | ${String(m)}`
    const heap = `${(m.heapBytes / 1e6).toFixed(1)} MB heap, ${(m.fileBytes / 1e6).toFixed(1)} MB file`
    return `${name} | ${m.phases.map(brief).join(' ; ')} | write ${ms(m.writeMs)} ms, parse ${ms(m.parseMs)} ms, diff ${ms(m.diffMs)} ms, ${heap}`
  })
  return ['case | phases | timings', ...rows].join('\n')
}

/**
 * One cycle keeps one object: the phase holds exactly one group, of that name, with one object a
 * cycle (within 1), each taking `bytesEach` with all it alone holds.
 */
function expectLeak(phase: PhaseObjects, name: string, bytesEach: number): void {
  expect(phase.groups.map(g => g.name), brief(phase)).toEqual([name])
  const [group] = phase.groups
  expect(Math.abs(group!.count - CYCLES), brief(phase)).toBeLessThanOrEqual(1)
  expect(group!.bytes, brief(phase)).toBe(group!.count * bytesEach)
  expect(group!.sampleIds).toHaveLength(3)
  expect(phase.bytes).toBe(group!.bytes)
}

function expectClean(phase: PhaseObjects): void {
  expect(phase.groups, brief(phase)).toEqual([])
  expect(phase.bytes).toBeLessThan(CLEAN_BYTES)
}

describe('leaks: one group, named for what the block keeps, one object a cycle', () => {
  // The name is what the block stores; what the channel keeps around it (a closure's context, a
  // Timeout's boxed fields, a Buffer's ArrayBuffer and its off-heap bytes) adds to its bytes.
  test.each([
    ['leak-array-1kb', '(string)'],
    ['leak-map-1kb', '(string)'],
    ['leak-closure-1kb', '(closure)'],
    ['leak-listener-1kb', '(closure)'],
    ['leak-timer-1kb', 'Timeout'],
    ['leak-buffer-1kb', 'Buffer'],
    ['leak-buffer-64b', 'Buffer'],
  ])('%s: %s', (name, group) => {
    expectLeak(measured(name).phases[0]!, group, fixtureByName(name).truth.leakPerCycle)
  })

  test('leak-every-4th-16kb: a 16 KB string on the 24th and 28th calls', () => {
    const [phase] = measured('leak-every-4th-16kb').phases
    expect(phase!.groups, brief(phase!)).toEqual([
      expect.objectContaining({ name: '(string)', count: 2, bytes: 2 * 16 * 1024 }),
    ])
  })

  test('an object with fields counts once, its fields in its bytes', () => {
    expectLeak(measured('TelemetryEvent').phases[0]!, 'TelemetryEvent', EVENT_BYTES)
  })

  test('a 100-byte object literal', () => {
    expectLeak(measured('100-byte object').phases[0]!, 'Object', 104)
  })

  test('RegExp, BigInt, Symbol, cons and sliced strings each count as the kind the block made', () => {
    const [phase] = measured('other kinds').phases
    expect(phase!.groups.map(g => [g.name, g.count]), brief(phase!)).toEqual([
      ['(string)', 2 * CYCLES],
      ['RegExp', CYCLES],
      ['(symbol)', CYCLES],
      ['(bigint)', CYCLES],
    ])
  })
})

describe('replaced objects are not growth', () => {
  test('a leak beside a singleton replaced every cycle: only the leak', () => {
    const [phase] = measured('leak beside a replaced singleton').phases
    expect(phase!.groups.map(g => [g.name, g.count]), brief(phase!)).toEqual([['TelemetryEvent', CYCLES]])
  })

  test('state replaced every cycle still shows the events it gained', () => {
    expectLeak(measured('immutable state').phases[0]!, 'TelemetryEvent', EVENT_BYTES)
  })

  test.each(['bounded queue', 'rebuilt cache', 'clean-lru-linked', 'clean-lru-map', 'clean-lru-map-churn-4', 'clean-ring-buffer', 'clean-object-cache'])(
    '%s: clean',
    name => {
      expectClean(measured(name).phases[0]!)
    },
  )

  test('a cache that evicts one entry and inserts two a cycle: the one kept, not the one replaced', () => {
    expectLeak(measured('leak-cache-evicts-fewer').phases[0]!, 'Object', fixtureByName('leak-cache-evicts-fewer').truth.leakPerCycle)
  })
})

describe('candidate blocks: baseline phase, then candidate phase', () => {
  test('candidate-cache-200kb: nothing, then its 200 strings, within 2% of 204,800 bytes', () => {
    const [baseline, candidate] = measured('candidate-cache-200kb').phases
    expectClean(baseline!)
    const truth = fixtureByName('candidate-cache-200kb').truth.oneTime
    expect(candidate!.groups.map(g => [g.name, g.count]), brief(candidate!)).toEqual([['(string)', 200]])
    expect(Math.abs(candidate!.bytes - truth), brief(candidate!)).toBeLessThanOrEqual(truth * 0.02)
  })

  test('candidate-retains-2kb: nothing, then a 2 KB string a cycle', () => {
    const [baseline, candidate] = measured('candidate-retains-2kb').phases
    expectClean(baseline!)
    expectLeak(candidate!, '(string)', 2048)
  })

})

describe('clean blocks hold no new objects', () => {
  test.each(['clean-mixed', 'clean-buffers', 'clean-timers'])('%s', name => {
    expectClean(measured(name).phases[0]!)
  })
})
