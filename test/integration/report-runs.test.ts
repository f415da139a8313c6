import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { MemoryReport } from '../../src/reporting/report-model.ts'
import { copySuite, type SuiteCopy } from '../helpers/copy-suite.ts'
import { tableRows } from '../helpers/memory-table.ts'
import { runSuite, whyOf, type SuiteRun } from '../helpers/run-vitest.ts'

// Runs whose table and report must say what happened, not what the counts of attempts or an
// earlier run would suggest: retried tests (fixtures/suites/retry), a check cut short by the test's
// timeout and a run with no check at all (fixtures/suites/cut).

function readReport(root: string): MemoryReport {
  return JSON.parse(readFileSync(path.join(root, 'memory-report/memory-report.json'), 'utf8')) as MemoryReport
}

function readMarkdown(root: string): string {
  return readFileSync(path.join(root, 'memory-report/memory-report.md'), 'utf8')
}

describe('retried tests: each reports its final attempt', () => {
  let suite: SuiteCopy
  let run: SuiteRun
  let report: MemoryReport
  beforeAll(async () => {
    suite = copySuite('retry')
    run = await runSuite(suite.root)
    report = readReport(suite.root)
  })
  afterAll(() => suite?.remove())

  test('the test that leaked once passes on its retry; the one that leaks every time fails', () => {
    expect(run.states, whyOf(run)).toEqual({ 'leaks on its first attempt only': 'passed', 'leaks on every attempt': 'failed' })
  })

  test('the table shows every attempt, the earlier ones marked as retried, each test ending on its final verdict', () => {
    expect(tableRows(run.output)).toEqual([
      ['retry.test.ts', 'toLeakMemory', 'leaks on its first attempt only', '5', 'over (attempt 1, retried)'],
      ['retry.test.ts', 'toLeakMemory', 'leaks on its first attempt only', '10', 'within'],
      ['retry.test.ts', 'toLeakMemory', 'leaks on every attempt', '5', 'over (attempt 1, retried)'],
      ['retry.test.ts', 'toLeakMemory', 'leaks on every attempt', '5', 'over'],
    ])
  })

  test('the headline counts one check per test, and the attempts apart', () => {
    const line = ' 1 of 2 memory checks over budget, 1 within (0 budgets checked, 2 leak checks). Not counted: 2 earlier attempts of retried tests.'
    expect(run.output).toContain(`\n${line}\n`)
    expect(readMarkdown(suite.root).split('\n')[2]).toBe(
      '**1 of 2 memory checks over budget**, 1 within (0 budgets checked, 2 leak checks). Not counted: 2 earlier attempts of retried tests.',
    )
  })

  test('the report: the final attempts as its checks, the earlier ones apart, with their attempt', () => {
    expect(report.checks.map(({ test, verdict, attempt, chart }) => ({ test, verdict, attempt, chart }))).toEqual([
      { test: 'leaks on its first attempt only', verdict: 'within', attempt: { retry: 1, repeat: 0 }, chart: 'memory-report-01-leaks-on-its-first-attempt-only.svg' },
      { test: 'leaks on every attempt', verdict: 'over', attempt: { retry: 1, repeat: 0 }, chart: 'memory-report-02-leaks-on-every-attempt.svg' },
    ])
    expect(report.earlierAttempts?.map(({ id, test, verdict, attempt, chart }) => ({ id, test, verdict, attempt, chart }))).toEqual([
      { id: 'retried-01-leaks-on-its-first-attempt-only', test: 'leaks on its first attempt only', verdict: 'over', attempt: undefined, chart: undefined },
      { id: 'retried-02-leaks-on-every-attempt', test: 'leaks on every attempt', verdict: 'over', attempt: undefined, chart: undefined },
    ])
    expect(report.summary).toEqual({ checks: 2, within: 1, over: 1, timedOut: 0, aborted: 0, earlierAttempts: 2, budgets: 0, leakChecks: 2, verdict: 'over' })
    expect(readdirSync(path.join(suite.root, 'memory-report')).filter((file) => file.endsWith('.svg')).sort()).toEqual([
      'memory-report-01-leaks-on-its-first-attempt-only.svg',
      'memory-report-02-leaks-on-every-attempt.svg',
    ])
    expect(readMarkdown(suite.root)).toContain(
      '## Earlier attempts of retried tests\n\n' +
        'Not counted above: a retried test reports the checks of its final attempt. These 2 checks came from attempts that failed and ran again.\n\n' +
        '| verdict | check | test | attempt | retained | leak/cycle | objects (top group) |\n' +
        '| --- | --- | --- | ---: | ---: | ---: | --- |\n' +
        '| ❌ over | toLeakMemory | retry.test.ts › leaks on its first attempt only | 1 | – |',
    )
  })
})

describe('a check cut short by its test timeout, and a run with no check, over an earlier report', () => {
  let suite: SuiteCopy
  let dir: string
  let plain: SuiteRun
  let afterPlain: { report: MemoryReport; markdown: string; files: string[] }
  let hang: SuiteRun
  beforeAll(async () => {
    suite = copySuite('cut')
    dir = path.join(suite.root, 'memory-report')
    // An earlier run's report, with a chart, and two files of the user's that the plugin did not write.
    mkdirSync(dir)
    const earlier = { version: 1, generator: { name: 'vitest-memory-budget', version: '0.1.0' }, checks: [{ id: '01-old', chart: 'memory-report-01-old.svg' }] }
    writeFileSync(path.join(dir, 'memory-report.json'), JSON.stringify(earlier))
    writeFileSync(path.join(dir, 'memory-report.md'), '# Memory report\n\n**All 1 memory check within budget** (1 budget checked, 0 leak checks).\n')
    writeFileSync(path.join(dir, 'memory-report-01-old.svg'), '<svg></svg>\n')
    writeFileSync(path.join(dir, 'memory-report-logo.svg'), '<svg>mine</svg>\n')
    writeFileSync(path.join(dir, 'notes.md'), 'mine\n')
    plain = await runSuite(suite.root, { files: ['plain.test.ts'] })
    afterPlain = { report: readReport(suite.root), markdown: readMarkdown(suite.root), files: readdirSync(dir).sort() }
    hang = await runSuite(suite.root, { files: ['hang.test.ts'] })
  })
  afterAll(() => suite?.remove())

  test('a run with no check replaces the earlier report with one that says so', () => {
    expect(plain.states).toEqual({ 'a test without a memory check': 'passed' })
    expect(afterPlain.report.checks).toEqual([])
    expect(afterPlain.report.summary).toMatchObject({ checks: 0, verdict: 'within' })
    expect(afterPlain.markdown.split('\n')[2]).toBe('**No memory check ran** in this run.')
    expect(plain.output).toContain(` Memory report: ${path.relative(process.cwd(), path.join(dir, 'memory-report.md'))} (no memory check ran)\n`)
    expect(plain.output).not.toContain(' Memory budgets')
  })

  test('and removes the earlier report’s charts, and nothing it did not write', () => {
    expect(afterPlain.files).toEqual(['memory-report-logo.svg', 'memory-report.json', 'memory-report.md', 'notes.md'])
  })

  test('the timed-out check fails its test, where it was cut', () => {
    expect(hang.states).toEqual({ 'a block that never settles': 'failed' })
    expect(hang.errors['a block that never settles']).toContain(
      "was still measuring when the test timed out: in warm-up cycle 1 ({ enabled: false, cycle: 0 }), whose block's promise had not settled.",
    )
  })

  test('the table has its row, verdict "timed out", with where it was cut, and counts it in the headline', () => {
    expect(tableRows(hang.output)).toEqual([['hang.test.ts', 'toLeakMemory', 'a block that never settles', '10', 'timed out']])
    expect(hang.output).toContain(
      '    toLeakMemory  a block that never settles  10      -         -                            -                -     -                    timed out\n' +
        "                  the test timed out, in warm-up cycle 1 ({ enabled: false, cycle: 0 }), whose block's promise had not settled\n" +
        '\n' +
        ' 1 of 1 memory check timed out, 0 within (0 budgets checked, 1 leak check).\n',
    )
  })

  test('the report is written, with the check, its verdict and where it was cut', () => {
    const report = readReport(suite.root)
    expect(report.checks).toHaveLength(1)
    expect(report.checks[0]).toMatchObject({
      id: '01-a-block-that-never-settles',
      file: 'hang.test.ts',
      test: 'a block that never settles',
      matcher: 'toLeakMemory',
      verdict: 'timed out',
      cut: { reason: 'the test timed out', where: "warm-up cycle 1 ({ enabled: false, cycle: 0 }), whose block's promise had not settled" },
      cycles: 10,
      warmup: 20,
      findings: [],
    })
    expect(report.checks[0]!.chart).toBeUndefined()
    expect(report.summary).toEqual({ checks: 1, within: 0, over: 0, timedOut: 1, aborted: 0, earlierAttempts: 0, budgets: 0, leakChecks: 1, verdict: 'incomplete' })
    const markdown = readMarkdown(suite.root)
    expect(markdown.split('\n')[2]).toBe('**1 of 1 memory check timed out**, 0 within (0 budgets checked, 1 leak check).')
    expect(markdown).toContain('| ⏱️ **timed out** | [toLeakMemory](#01-toleakmemory-timed-out) | hang.test.ts › a block that never settles | 10 | – | – | – |\n')
    expect(markdown).toContain(
      '## 01. toLeakMemory: timed out\n\n' +
        '`hang.test.ts` › a block that never settles  \n' +
        'planned: 10 cycles after 20 warm-up · stopped after ',
    )
    expect(markdown).toContain(
      "**Timed out**: the test timed out, in warm-up cycle 1 ({ enabled: false, cycle: 0 }), whose block's promise had not settled. No figures: the check stopped before its verdict.\n",
    )
    expect(readdirSync(dir).sort()).toEqual(['memory-report-logo.svg', 'memory-report.json', 'memory-report.md', 'notes.md'])
  })

  test('a run with no check where no report was writes none', async () => {
    const fresh = copySuite('cut')
    try {
      const run = await runSuite(fresh.root, { files: ['plain.test.ts'] })
      expect(run.states).toEqual({ 'a test without a memory check': 'passed' })
      expect(existsSync(path.join(fresh.root, 'memory-report'))).toBe(false)
      expect(run.output).not.toContain('Memory report')
    } finally {
      fresh.remove()
    }
  })
})
