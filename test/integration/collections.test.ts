import { beforeAll, describe, expect, test } from 'vitest'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

// Collections that grow by Smis, doubles and booleans keep no new object a cycle: the census of
// Maps, Sets and Arrays finds them, and the second run's snapshots say what holds them.
const expectedStates = {
  'a Map gaining a Smi key a cycle leaks': 'failed',
  'a Set gaining a Smi a cycle leaks': 'failed',
  'an array gaining a Smi a cycle leaks': 'failed',
  'an array gaining a timestamp a cycle leaks': 'failed',
  'an array gaining a boolean a cycle leaks': 'failed',
  'a Map gaining a Smi a cycle fits a leak limit of 100 B a cycle': 'passed',
  'a Map filled and cleared every cycle does not leak': 'passed',
  'a bounded array that shifts and pushes does not leak': 'passed',
  'a Set of constant size does not leak': 'passed',
  'a Map that grows during warm-up only does not leak': 'passed',
}

/** The leaking tests, the collection their message names, and the variable that holds it. */
const leaks = [
  ['a Map gaining a Smi key a cycle leaks', 'Map', 'seen'],
  ['a Set gaining a Smi a cycle leaks', 'Set', 'ids'],
  ['an array gaining a Smi a cycle leaks', 'Array', 'counts'],
  ['an array gaining a timestamp a cycle leaks', 'Array', 'timestamps'],
  ['an array gaining a boolean a cycle leaks', 'Array', 'flags'],
] as const

describe('growing collections', () => {
  let run: SuiteRun
  beforeAll(async () => {
    run = await runSuite('collections')
  }, 240_000)

  test('verdicts', () => {
    expect(run.unhandled).toEqual([])
    expect(run.states, whyOf(run)).toEqual(expectedStates)
  })

  test.each(leaks)('%s: the message names the collection, its growth and what holds it', (name, kind, variable) => {
    const message = run.errors[name]!
    // The counts before and after depend on how long warm-up ran; the growth is one a cycle.
    const counts = new RegExp(`^ {2}growing {3}${kind} \\(\\+20 entries, 1 per cycle; (\\d+) -> (\\d+)\\)$`, 'm').exec(message)
    expect(counts, message).not.toBeNull()
    expect(Number(counts![2]) - Number(counts![1])).toBe(20)
    expect(message).toMatch(/^block leaks memory \(20 cycles after \d+ warm-up\)$/m)
    expect(message).toContain(`\n            held by (closure) -> ${variable}: ${kind}\n`)
  })
})
