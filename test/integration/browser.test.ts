import { describe, expect, test } from 'vitest'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// Browser mode (Debian's Chromium through the Playwright provider): the plugin must not break a
// browser project, whose memory checks run on the page (browser-memory.test.ts says what they find).

const browserOutcomes = {
  'a plain test passes': 'passed',
  'a DOM test passes': 'passed',
  'another file runs unchanged': 'passed',
  'a budget check runs on the page': 'passed',
  'a leak check runs on the page': 'passed',
}

describe('a browser project with the plugin', () => {
  test('runs its tests unchanged, and its memory checks', async () => {
    const run = await runSuite('browser')
    expect(run.states, whyOf(run)).toEqual(browserOutcomes)
    expect(run.unhandled).toEqual([])
    expect(run.output).not.toContain('Failed to load source map')
  })

  test('beside a Node project of the same root config: both projects run their checks, one table', async () => {
    const run = await runSuite('browser', { config: 'fixtures/suites/browser/vitest.projects.config.ts' })
    expect(run.states, whyOf(run)).toEqual({ ...browserOutcomes, 'a check in the Node project runs': 'passed' })
    expect(run.output).toMatch(/toLeakMemory {2}a check in the Node project runs {2}10 /)
    expect(run.output).toMatch(/toLeakMemory {2}a leak check runs on the page +20 .* within/)
    expect(run.output).toMatch(/"feature" +a budget check runs on the page +20\+20 .* within/)
  })
})
