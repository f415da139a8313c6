import { expect, test } from 'vitest'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// The plugin must give a real full GC and the same verdicts in every pool Vitest has, with files in
// parallel workers, and without isolation, where the second file runs in the worker the first used.
const POOLS = ['forks', 'threads', 'vmForks', 'vmThreads']
const SETUPS = POOLS.flatMap((pool) => [true, false].map((isolate) => ({ pool, isolate })))

test.each(SETUPS)('verdicts in the $pool pool, isolate $isolate', async ({ pool, isolate }) => {
  const run = await runSuite('pools', { pool, isolate })
  expect(run.unhandled).toEqual([])
  expect(run.states, whyOf(run)).toEqual({
    'clean block passes': 'passed',
    'buffer leak fails': 'failed',
    'cache over budget fails': 'failed',
    'clean budget check reading snapshots passes': 'passed',
    'listener leak is named': 'failed',
  })
  expect(run.errors['buffer leak fails']).toMatch(/block grows 1\.\d+ kB\/cycle/)
  expect(run.errors['cache over budget fails']).toMatch(/retained {2}(19\d|20\d|21\d) kB > 100 kB/)
  expect(run.errors['listener leak is named']).toMatch(/\(closure\) x20/)
})
