import { describe, expect, test } from 'vitest'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// Browser mode (Debian's Chromium through the Playwright provider): the plugin must not break a
// browser project; a leak check runs there (browser-memory.test.ts), a budget check says in one
// line that it does not yet.
const refusal =
  'vitest-memory-budget: toStayWithinMemoryBudget() does not run in browser mode yet; toLeakMemory() does. ' +
  'Run budget checks in a project without browser.enabled (test.projects).'

const browserOutcomes = {
  'a plain test passes': 'passed',
  'a DOM test passes': 'passed',
  'another file runs unchanged': 'passed',
  'a budget check says browser mode is not supported yet': 'failed',
  'a leak check runs on the page': 'passed',
}

describe('a browser project with the plugin', () => {
  test('runs its tests unchanged; a budget check fails with one line saying why', async () => {
    const run = await runSuite('browser')
    expect(run.states, whyOf(run)).toEqual(browserOutcomes)
    expect(run.errors['a budget check says browser mode is not supported yet']).toBe(refusal)
    expect(run.unhandled).toEqual([])
    expect(run.output).not.toContain('Failed to load source map')
  })

  test('beside a Node project of the same root config: both projects run their checks, one table', async () => {
    const run = await runSuite('browser', { config: 'fixtures/suites/browser/vitest.projects.config.ts' })
    expect(run.states, whyOf(run)).toEqual({ ...browserOutcomes, 'a check in the Node project runs': 'passed' })
    expect(run.errors['a budget check says browser mode is not supported yet']).toBe(refusal)
    expect(run.output).toMatch(/toLeakMemory {2}a check in the Node project runs {2}10 /)
    expect(run.output).toMatch(/toLeakMemory {2}a leak check runs on the page +20 .* within/)
  })
})
