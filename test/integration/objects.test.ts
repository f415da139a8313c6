import { beforeAll, describe, expect, test } from 'vitest'
import { formatSize } from '../../src/budgets/sizes.ts'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

// Object budgets: messages name the constructor, the count, and what holds the objects (explain.ts).
const expectedStates = {
  'a candidate keeping one TelemetryEvent per cycle breaks an objects limit of 0': 'failed',
  'the same candidate fits a limit of 100 TelemetryEvents and 100 B a cycle': 'passed',
  'EE kept inside a new array break a limit of 5 EE': 'failed',
  'EE kept inside a new array break a limit of 5 of any constructor': 'failed',
  'a clean block leaves no objects behind': 'passed',
  'a 64 B leak, under the noise floor of heap statistics, is caught by its objects': 'failed',
  'a heap too large to snapshot fails an objects budget with the reason, not minutes of silence': 'failed',
  'a heap too large to snapshot: a budget whose verdict needed objects passes on heap statistics, and says none were read': 'passed',
}

describe('object budgets', () => {
  let run: SuiteRun
  beforeAll(async () => {
    run = await runSuite('objects')
  })

  test('verdicts', () => {
    expect(run.unhandled).toEqual([])
    expect(run.states, whyOf(run)).toEqual(expectedStates)
  })

  test('the objects limit names the constructor, the count and the rate', () => {
    const message = run.errors['a candidate keeping one TelemetryEvent per cycle breaks an objects limit of 0']!
    expect(message).toContain('memory budget "telemetry" exceeded (20 cycles without, 20 with)')
    // One per enabled cycle: the candidate's warm-up (20 to 60 cycles, while V8 compiles) and its 20.
    const count = Number(/objects {3}TelemetryEvent: (\d+) new > 0 {2}\(\+\d+; 1 per cycle, [\d.]+ k?B\)/.exec(message)?.[1])
    expect(count).toBeGreaterThanOrEqual(39)
    expect(count).toBeLessThanOrEqual(81)
    expect(message).toMatch(/within {4}retained [\d.]+ k?B \(from heap snapshots\), limit 600 kB/)
    expect(message).toMatch(/held by \(closure\) -> client: Object -> queue: Array -> \[\d+\]: TelemetryEvent {2}\(one retains [\d.]+ B\)/)
  })

  // One EE per enabled cycle (the candidate's 20 to 60 warm-up cycles and its 20), each 40 B with
  // its 64 B string, all in one array the feature made: the groups show that Array, the limit counts EE.
  const eeLines = (message: string, name: string) => {
    const count = Number(/objects {3}EE: (\d+) new/.exec(message)?.[1])
    expect(count).toBeGreaterThanOrEqual(39)
    expect(count).toBeLessThanOrEqual(81)
    const lines = message.split('\n')
    expect(lines[0]).toBe(`memory budget "${name}" exceeded (20 cycles without, 20 with)`)
    return { count, lines: lines.filter((line) => !/^ {2}within {4}leak of /.test(line)) }
  }
  const heldBy = (path: string, bytes: number) =>
    expect.stringMatching(new RegExp(`^ {12}held by \\(closure\\) -> state: Object -> registered: Array -> \\[\\d+\\]: EE${path}  \\(one retains ${bytes} B\\)$`))

  test('a limit on EE counts the EE a new array holds', () => {
    const { count, lines } = eeLines(run.errors['EE kept inside a new array break a limit of 5 EE']!, 'instances')
    expect(lines).toEqual([
      'memory budget "instances" exceeded (20 cycles without, 20 with)',
      `  objects   EE: ${count} new > 5  (+${count - 5}; 1 per cycle, ${formatSize(count * 104)})`,
      heldBy('', 104),
      expect.stringMatching(/^budget file: .*memory-budgets\.json$/),
    ])
  })

  test('a limit on any constructor counts the EE and their strings, not only the array', () => {
    const { count, lines } = eeLines(run.errors['EE kept inside a new array break a limit of 5 of any constructor']!, 'instances-any')
    expect(lines).toEqual([
      'memory budget "instances-any" exceeded (20 cycles without, 20 with)',
      `  objects   EE: ${count} new > 5  (+${count - 5}; 1 per cycle, ${formatSize(count * 104)})`,
      heldBy('', 104),
      `  objects   (string): ${count} new > 5  (+${count - 5}; 1 per cycle, ${formatSize(count * 64)})`,
      heldBy(' -> name: \\(string\\) "X+\\.\\.\\."', 64),
      '  within    objects Array: 1 new, limit 5',
      expect.stringMatching(/^budget file: .*memory-budgets\.json$/),
    ])
  })

  test('a heap too large to snapshot is refused with its size', () => {
    expect(run.errors['a heap too large to snapshot fails an objects budget with the reason, not minutes of silence']).toMatch(
      /^memory budget "telemetry" limits objects, which needs heap snapshots, but the worker's heap holds \d+ MB, over the 150 MB that heap snapshots are taken of/,
    )
  })

  test('a check that could not read the objects its verdict needed says so under its row, though it passed', () => {
    const lines = run.stdout.split('\n')
    const row = lines.findIndex((line) => line.includes('"plain"'))
    expect(lines[row]).toMatch(/ within$/)
    expect(lines[row + 1]).toMatch(
      /^ {6,}objects not read: the worker's heap holds \d+ MB, over the 150 MB that heap snapshots are taken of \(each would take some \d+ s to write and as long to read\); measure in a test file of its own, so that the worker holds less, or raise memoryBudget\(\{ snapshotHeapLimit \}\) and the test's timeout$/,
    )
  })

  test('a leak under the noise floor is named by its objects', () => {
    const message = run.errors['a 64 B leak, under the noise floor of heap statistics, is caught by its objects']!
    expect(message).toMatch(/objects {3}block keeps \S+ x(19|20|21) {2}\(1 per cycle, [\d.]+ k?B\)/)
  })
})

describe('snapshotHeapLimit raised', () => {
  test('a heap over 150 MB is snapshotted, and the objects named', async () => {
    const run = await runSuite('objects', { config: 'fixtures/suites/objects/vitest.snapshot-limit.config.ts' })
    const name = 'with the limit raised, a heap over 150 MB is snapshotted: an objects budget names what the candidate kept'
    expect(run.states, whyOf(run)).toEqual({ [name]: 'failed' })
    expect(run.errors[name]).toMatch(/objects {3}TelemetryEvent: \d+ new > 0 {2}\(\+\d+; 1 per cycle, [\d.]+ k?B\)/)
    expect(run.output).not.toContain('objects not read')
  })
})
