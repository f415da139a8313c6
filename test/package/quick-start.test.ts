import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import type { QuickStartRun } from '../../scripts/smoke/consumer.ts'
import { expectationsOf, leakyProblems, nodeWarningProblems, quickStartProblems } from '../../scripts/smoke/expectations.ts'
import { quickStartFiles } from '../../scripts/smoke/quick-start.ts'

// scripts/smoke.ts runs README's quick start in a fresh project: these keep the README extractable
// (npm test fails first when it is not) and show that the smoke's judgement can fail.
const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8')

describe("README's quick start, as the smoke reads it", () => {
  test('gives the config, the budget file and the test file, as written', () => {
    const files = quickStartFiles(readme)
    expect(files.map((file) => file.path)).toEqual(['vitest.config.ts', 'memory-budgets.json', 'test/telemetry.test.ts'])
    // Every file is its block as written: a user copies it, caption and all, and it must work.
    for (const file of files) expect(readme).toContain(file.text.trimEnd())
    expect(JSON.parse(files[1]!.text)).toMatchObject({ budgets: { telemetry: {} } })
    expect(expectationsOf(files)).toEqual({
      tests: ['telemetry stays within its memory budget', 'a connection cycle leaks nothing'],
      budgetTest: 'telemetry stays within its memory budget',
      budget: 'telemetry',
      leakLimit: '1 kB',
    })
  })

  test('a README without the section, with an unknown block or without a file is an error', () => {
    expect(() => quickStartFiles('# x\n\n## Usage\n')).toThrow('README.md has no "## Quick start" section')
    const start = readme.indexOf('## Quick start')
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
    expect(() => quickStartFiles(`${section}\n\`\`\`ts\n// setup.ts\nexport {}\n\`\`\`\n`)).toThrow(
      "README.md's quick start has a ts block the smoke does not know where to write:\n// setup.ts\nexport {}",
    )
    const withoutConfig = section.replace(/```ts\n\/\/ vitest\.config\.ts[\s\S]*?```/, '')
    expect(() => quickStartFiles(withoutConfig)).toThrow("README.md's quick start has no block for vitest.config.ts")
    const uncaptioned = section.replace('`memory-budgets.json`, at the project root', 'At the project root')
    expect(() => quickStartFiles(uncaptioned)).toThrow("README.md's quick start has a json block the smoke does not know where to write:")
  })
})

describe("the smoke's verdicts on a run", () => {
  const expected = expectationsOf(quickStartFiles(readme))
  const [budgetTest, leakTest] = expected.tests as [string, string]
  const table = ` Memory budgets\n    "telemetry"   ${budgetTest}  20+20  within\n    toLeakMemory  ${leakTest}  20  within\n`
  const passing: QuickStartRun = {
    exitCode: 0,
    output: table,
    seconds: 5,
    tests: expected.tests.map((name) => ({ name, state: 'passed', seconds: 1, message: '' })),
  }
  const leakMessage = 'Error: memory budget "telemetry" exceeded (20 cycles without, 20 with)\n  leak      candidate grows 1.93 kB/cycle > 1 kB/cycle  (±28 B/cycle)'
  const leaking: QuickStartRun = {
    exitCode: 1,
    output: '',
    seconds: 5,
    tests: [
      { name: budgetTest, state: 'failed', seconds: 4, message: leakMessage },
      { name: leakTest, state: 'passed', seconds: 1, message: '' },
    ],
  }

  test('a passing run and a run failing on the leak have no problem', () => {
    expect(quickStartProblems(passing, expected)).toEqual([])
    expect(leakyProblems(leaking, expected)).toEqual([])
  })

  test('source map errors, a failed test and a missing table row are problems', () => {
    const run: QuickStartRun = {
      ...passing,
      exitCode: 1,
      output: `Failed to load source map for a.js\nFailed to load source map for b.js\n Memory budgets\n    toLeakMemory  ${leakTest}  20  within\n`,
      tests: [{ name: budgetTest, state: 'failed', seconds: 5, message: 'Test timed out in 5000ms.' }, passing.tests[1]!],
    }
    expect(quickStartProblems(run, expected)).toEqual([
      '"Failed to load source map" printed 2 times',
      'vitest exited 1',
      `"${budgetTest}" failed: Test timed out in 5000ms.`,
      `the table has no "within" row for "${budgetTest}"`,
    ])
  })

  test('a leaking client that passes, or fails another way, is a problem', () => {
    expect(leakyProblems({ ...passing, exitCode: 0 }, expected)).toEqual([
      'vitest exited 0 although the client leaks',
      `"${budgetTest}" passed, expected to fail on the leak`,
    ])
    const timedOut = { ...leaking, tests: [{ ...leaking.tests[0]!, message: 'Test timed out in 5000ms.' }, leaking.tests[1]!] }
    expect(leakyProblems(timedOut, expected)).toEqual([`"${budgetTest}" failed without the leak message: Test timed out in 5000ms.`])
  })

  test('the Node warning must come once on an unsupported Node and never on a supported one', () => {
    const warning = 'vitest-memory-budget: Node 20.20.2 is not supported (supported: Node >=22.12); memory figures and verdicts may be wrong on it.'
    expect(nodeWarningProblems({ ...passing, output: `${warning}\n` }, '20.20.2', false)).toEqual([])
    expect(nodeWarningProblems({ ...passing, output: `${warning}\n${warning}\n` }, '20.20.2', false)).toEqual([
      `the warning "${warning}" was printed 2 times, expected once`,
    ])
    expect(nodeWarningProblems(passing, '24.21.0', true)).toEqual([])
    expect(nodeWarningProblems({ ...passing, output: warning }, '24.21.0', true)).toEqual(['a Node version warning was printed on Node 24.21.0'])
  })
})
