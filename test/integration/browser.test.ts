import { describe, expect, test } from 'vitest'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// Browser mode (Debian's Chromium through the Playwright provider): the plugin must not break a
// browser project, and a memory check there says in one line why it cannot run.
const refusal = (matcher: string) =>
  `vitest-memory-budget: ${matcher}() does not run in browser mode yet: it measures a Node worker's heap. ` +
  'Run memory checks in a project without browser.enabled (test.projects).'

const browserOutcomes = {
  'a plain test passes': 'passed',
  'a DOM test passes': 'passed',
  'another file runs unchanged': 'passed',
  'a budget check says browser mode is not supported': 'failed',
  'a leak check says browser mode is not supported': 'failed',
}

describe('a browser project with the plugin', () => {
  test('runs its tests unchanged; a memory check fails with one line saying why', async () => {
    const run = await runSuite('browser')
    expect(run.states, whyOf(run)).toEqual(browserOutcomes)
    expect(run.errors['a budget check says browser mode is not supported']).toBe(refusal('toStayWithinMemoryBudget'))
    expect(run.errors['a leak check says browser mode is not supported']).toBe(refusal('toLeakMemory'))
    expect(run.unhandled).toEqual([])
    expect(run.output).not.toContain('Failed to load source map')
  })

  test('beside a Node project of the same root config, whose checks run', async () => {
    const run = await runSuite('browser', { config: 'fixtures/suites/browser/vitest.projects.config.ts' })
    expect(run.states, whyOf(run)).toEqual({ ...browserOutcomes, 'a check in the Node project runs': 'passed' })
    expect(run.errors['a leak check says browser mode is not supported']).toBe(refusal('toLeakMemory'))
    expect(run.output).toMatch(/toLeakMemory {2}a check in the Node project runs {2}10 /)
  })
})
