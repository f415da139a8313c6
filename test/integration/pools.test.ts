import { expect, test } from 'vitest'
import { runSuite } from '../helpers/run-vitest.ts'

// The plugin must give a real full GC and the same verdicts in every pool Vitest has.
test.each(['forks', 'threads', 'vmForks', 'vmThreads'])('verdicts in the %s pool', async (pool) => {
  const run = await runSuite('pools', { pool })
  expect(run.unhandled).toEqual([])
  expect(run.states).toEqual({
    'clean block passes': 'passed',
    'buffer leak fails': 'failed',
    'cache over budget fails': 'failed',
  })
  expect(run.errors['buffer leak fails']).toMatch(/block grows 1\.\d+ kB\/cycle/)
  expect(run.errors['cache over budget fails']).toMatch(/retained {2}(19\d|20\d|21\d) kB > 100 kB/)
})
