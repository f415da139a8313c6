import { beforeAll, expect, test } from 'vitest'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

// fixtures/suites/projects: two Vitest projects share one plugin. Each project measures against the
// budget file of its own root; the summary table and the report are made once for the whole run.

let run: SuiteRun
beforeAll(async () => {
  run = await runSuite('projects', { mainEnv: { CI: undefined } })
})

test("each project checks its own root's budget file", () => {
  expect(run.unhandled).toEqual([])
  expect(run.states, whyOf(run)).toEqual({
    'project one keeps 10 kB within its 50 kB budget': 'passed',
    'project two keeps 10 kB over its 1 kB budget': 'failed',
  })
  expect(run.errors['project two keeps 10 kB over its 1 kB budget']).toMatch(/"two".*retained/s)
})

test('the summary table is printed once, with both checks', () => {
  expect(run.output.match(/Memory budgets/g)?.length).toBe(1)
  expect(run.output).toMatch(/"one" +project one keeps/)
  expect(run.output).toMatch(/"two" +project two keeps/)
})

// fixtures/suites/projects-root-plugin: the plugin only in the root config, which declares an inline
// project that does not extend it and a project with a config file of its own. Both get the matchers,
// each reading the budget file of its own root (a budget name only that file has).
test('the root config applies the plugin to projects that do not list it', async () => {
  const rootOnly = await runSuite('projects-root-plugin')
  expect(rootOnly.unhandled).toEqual([])
  expect(rootOnly.states, whyOf(rootOnly)).toEqual({
    'a check in the inline project reads the root budget file': 'passed',
    "a check in the file-based project reads its own root's budget file": 'passed',
  })
  expect(rootOnly.output.match(/Memory budgets/g)?.length).toBe(1)
  expect(rootOnly.output).toMatch(/"pkg-budget" +a check in the file-based project/)
})
