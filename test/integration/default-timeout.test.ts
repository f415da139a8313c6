import { describe, expect, test } from 'vitest'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// fixtures/suites/quick-start: the README's quick start as written, with Vitest's default 5 s test
// timeout. Files that call a memory matcher get 60 s (the plugin's testTimeout option); others keep 5 s.
describe("the quick start under Vitest's default timeout", () => {
  test('passes: its checks get the time they need, other files keep 5 s', async () => {
    const run = await runSuite('quick-start')
    expect(run.states, whyOf(run)).toEqual({
      'telemetry stays within its memory budget': 'passed',
      'a connection cycle leaks nothing': 'passed',
      'this file, which calls memory matchers, has the time checks need': 'passed',
      'a file without memory checks keeps the default 5 s timeout': 'passed',
    })
  })

  test('a timeout the project sets is kept, and a check it cuts off says where the time went', async () => {
    const run = await runSuite('quick-start', {
      config: 'fixtures/suites/quick-start/vitest.cut-off.config.ts',
      files: ['test/client.test.ts'],
      env: { EXPECTED_TIMEOUT: '300' },
    })
    expect(run.states, whyOf(run)).toEqual({
      'telemetry stays within its memory budget': 'failed',
      'a connection cycle leaks nothing': 'failed',
      'this file, which calls memory matchers, has the time checks need': 'passed',
    })
    for (const [name, call] of [
      ['telemetry stays within its memory budget', 'expect(block).toStayWithinMemoryBudget("telemetry")'],
      ['a connection cycle leaks nothing', 'expect(block).not.toLeakMemory()'],
    ] as const) {
      // Vitest's own two lines, then the check's.
      const [timedOut, , message] = run.errors[name]!.split('\n')
      expect(timedOut).toBe('Test timed out in 300ms.')
      expect(message).toMatch(
        new RegExp(
          `^${escape(call)} was still measuring when the test timed out: in [^.]+\\. In its 0\\.\\d s, the block ran 0\\.\\d s \\(\\d+ calls?\\) and the tool 0\\.\\d s ` +
            escape("(full GCs and heap readings between calls, heap snapshots, their analysis). Most of it was the tool's own, which grows with the worker's heap and the machine's load: give the test more time (test('…', fn, 60_000), or testTimeout in the config), or fewer cycles.") +
            '$',
        ),
      )
    }
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
