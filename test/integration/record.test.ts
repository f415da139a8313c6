import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { memberOf, parseSpans } from '../../src/budgets/json-spans.ts'
import { loadBudgetFile } from '../../src/budgets/load-budget-file.ts'
import { DEFAULT_HEADROOM, recommend } from '../../src/budgets/record-budget.ts'
import { RECORD_HINT } from '../../src/budgets/budget-errors.ts'
import { formatSize } from '../../src/budgets/sizes.ts'
import type { MemoryReport } from '../../src/reporting/report-model.ts'
import { copySuite, type SuiteCopy } from '../helpers/copy-suite.ts'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

// `vitest -u` for budgets, on copies of fixtures/suites/record-*: real Vitest runs that write the
// budget file and the report, asserted on the files and on what the terminal says.

const CHECKED = ['a', 'b', 'c'].flatMap((file) => [1, 2, 3, 4].map((n) => `${file}-${n}`))
const UNRELATED = ['unrelated-inline', 'unrelated-multiline', 'unrelated-numbers']
/** The repository's own CI may set CI: recording runs must not inherit it. */
const LOCAL = { CI: undefined }

/** Each budget's text in the file, exactly as written, by name. */
function entryTexts(text: string): Record<string, string> {
  const budgets = memberOf(parseSpans(text), 'budgets')!.value
  if (budgets.kind !== 'object') throw new Error('no budgets object')
  return Object.fromEntries(budgets.members.map((member) => [member.key, text.slice(member.keyStart, member.value.end)]))
}

function readReport(root: string): MemoryReport {
  return JSON.parse(readFileSync(path.join(root, 'memory-report/memory-report.json'), 'utf8')) as MemoryReport
}

/** What the rule records from a check in the report, for its retained figure. */
function ruleFor(report: MemoryReport, budget: string): string {
  const check = report.checks.find((c) => c.budget === budget)!
  return formatSize(recommend({ value: check.retained!.bytes, uncertainty: check.retained!.uncertainty }, 'size', DEFAULT_HEADROOM))
}

describe('vitest -u with 3 files x 4 budget checks in parallel workers', () => {
  let suite: SuiteCopy
  let file: string
  let before: string
  let after: string
  let run: SuiteRun
  let report: MemoryReport
  beforeAll(async () => {
    suite = copySuite('record-parallel')
    file = path.join(suite.root, 'memory-budgets.json')
    before = readFileSync(file, 'utf8')
    run = await runSuite(suite.root, { update: true, mainEnv: LOCAL })
    after = readFileSync(file, 'utf8')
    report = readReport(suite.root)
  })
  afterAll(() => suite?.remove())

  test('every check passes, in more than one worker', () => {
    expect(run.unhandled).toEqual([])
    expect(run.errors).toEqual({})
    expect(Object.values(run.states)).toEqual(Array(12).fill('passed'))
    expect(run.exitCode).toBe(0)
    expect(new Set(report.checks.map((check) => check.file))).toEqual(new Set(['a.test.ts', 'b.test.ts', 'c.test.ts']))
  })

  test('the file is a valid budget file with exactly the 12 checked budgets next to the others', () => {
    const budgets = loadBudgetFile(file).budgets
    expect(Object.keys(budgets).sort()).toEqual([...CHECKED, ...UNRELATED].sort())
    // Entries that were there keep their place; new ones come after them.
    expect(Object.keys(budgets).slice(0, 5)).toEqual(['unrelated-inline', 'a-2', 'unrelated-multiline', 'b-1', 'unrelated-numbers'])
    for (const name of CHECKED) {
      expect(Object.keys(budgets[name]!)).toContain('retained')
      expect(JSON.parse(after).budgets[name].retained).toMatch(/^\d+(\.\d)? (B|kB|MB)$/)
    }
  })

  test('every unrelated entry, the $schema line and the defaults are byte for byte as they were', () => {
    const old = entryTexts(before)
    const now = entryTexts(after)
    for (const name of UNRELATED) expect(now[name]).toBe(old[name])
    expect(after.split('\n').slice(0, 3)).toEqual(before.split('\n').slice(0, 3))
    expect(after.endsWith('}\n')).toBe(true)
  })

  test('each recorded limit is the measurement plus headroom, rounded up; the one set by hand, which held, stays', () => {
    const data = JSON.parse(after)
    for (const name of CHECKED) {
      expect(data.budgets[name].retained, name).toBe(name === 'a-2' ? '600 kB' : ruleFor(report, name))
      // leak is never recorded: the blocks keep nothing, and a leak would have failed its check.
      expect(Object.keys(data.budgets[name]), name).toEqual(['retained'])
    }
    expect(entryTexts(after)['a-2']).toBe(entryTexts(before)['a-2'])
    // The one-time cache of 100 kB is in its budget, with room.
    for (const name of ['a-3', 'b-3', 'c-3']) expect(data.budgets[name].retained).toMatch(/^1\d\d kB$/)
  })

  test('the terminal lists what was added and changed, with the old values', () => {
    expect(run.output).toContain(' Memory budgets recorded in ')
    expect(run.output).toMatch(/ {3}changed {4}"b-1" {2}retained \d+(\.\d)? k?B\n/)
    expect(run.output.match(/ {3}added {6}"[abc]-\d"/g)).toHaveLength(10)
    expect(run.output).toContain('   unchanged  "a-2"\n')
  })

  test('the run writes the report next to the suite: markdown, JSON and a chart per check', () => {
    const dir = path.join(suite.root, 'memory-report')
    const files = readdirSync(dir).sort()
    expect(files.filter((name) => name.endsWith('.svg'))).toHaveLength(12)
    expect(files).toEqual(expect.arrayContaining(['memory-report.json', 'memory-report.md']))
    expect(report.version).toBe(2)
    expect(report.checks).toHaveLength(12)
    expect(report.environment.node).toBe(process.version)
    const markdown = readFileSync(path.join(dir, 'memory-report.md'), 'utf8')
    expect(markdown).toMatch(/^# Memory report\n\n\*\*All 12 memory checks within budget\*\* \(12 budgets checked, 0 leak checks\)\./)
    for (const check of report.checks) {
      expect(markdown).toContain(`](${check.chart})`)
      expect(readFileSync(path.join(dir, check.chart!), 'utf8')).toMatch(/^<svg [^]*<polyline [^]*<polyline [^]*<\/svg>\n$/)
    }
    expect(run.output).toContain(`Memory report: ${path.relative(process.cwd(), path.join(dir, 'memory-report.md'))}`)
  })

  describe('a second vitest -u on the same code', () => {
    let second: SuiteRun
    let again: string
    let secondReport: MemoryReport
    beforeAll(async () => {
      second = await runSuite(suite.root, { update: true, mainEnv: LOCAL })
      again = readFileSync(file, 'utf8')
      secondReport = readReport(suite.root)
    })

    test('keeps every limit whose check passed byte for byte, and re-records only those that failed', () => {
      expect(second.errors).toEqual({})
      const old = entryTexts(after)
      const now = entryTexts(again)
      const failed = secondReport.checks.filter((check) => check.verdict !== 'within').map((check) => check.budget!)
      for (const name of CHECKED) {
        if (failed.includes(name)) expect(JSON.parse(again).budgets[name].retained, name).toBe(ruleFor(secondReport, name))
        else expect(now[name], name).toBe(old[name])
      }
      for (const name of UNRELATED) expect(now[name]).toBe(entryTexts(before)[name])
      if (failed.length === 0) {
        expect(again).toBe(after)
        expect(second.output).toContain(`: nothing to record\n   unchanged  ${CHECKED.map((name) => JSON.stringify(name)).join(', ')}\n`)
      }
    })
  })
})

describe('budgets that are missing, malformed files, CI', () => {
  test('without -u, a broken budget fails, a missing one fails with how to record it, and nothing is written', async () => {
    const suite = copySuite('record-single')
    try {
      const file = path.join(suite.root, 'memory-budgets.json')
      const before = readFileSync(file, 'utf8')
      const run = await runSuite(suite.root, { mainEnv: LOCAL })
      expect(run.states, whyOf(run)).toEqual({ 'a budget the block breaks': 'failed', 'a budget the file lacks': 'failed', 'a leak check': 'passed' })
      expect(run.errors['a budget the block breaks']).toContain('memory budget "cache" exceeded (10 cycles without, 10 with)')
      expect(run.errors['a budget the file lacks']).toBe(`Unknown memory budget "missing"\nBudgets in ${file}: cache\n${RECORD_HINT}`)
      expect(readFileSync(file, 'utf8')).toBe(before)
      expect(run.output).not.toContain('Memory budgets recorded')
    } finally {
      suite.remove()
    }
  })

  test('with -u, every budget check passes: the broken limit is raised, the missing one created; the summary goes to GitHub', async () => {
    const suite = copySuite('record-single')
    const summaryDir = mkdtempSync(path.join(os.tmpdir(), 'vmb-summary-'))
    try {
      const file = path.join(suite.root, 'memory-budgets.json')
      const stepSummary = path.join(summaryDir, 'summary.md')
      const run = await runSuite(suite.root, { update: true, mainEnv: { ...LOCAL, GITHUB_STEP_SUMMARY: stepSummary } })
      expect(run.errors).toEqual({})
      expect(run.states, whyOf(run)).toEqual({ 'a budget the block breaks': 'passed', 'a budget the file lacks': 'passed', 'a leak check': 'passed' })
      const budgets = loadBudgetFile(file).budgets
      expect(Object.keys(budgets)).toEqual(['cache', 'missing'])
      // 100 kB held by the candidate + 25%, rounded up.
      expect(run.output).toMatch(/ {3}changed {4}"cache" {4}retained 1 kB -> 1[23]\d kB\n/)
      expect(run.output).toMatch(/ {3}added {6}"missing" {2}retained \d+(\.\d)? k?B\n/)
      const summary = readFileSync(stepSummary, 'utf8')
      // The measurement broke the old limit: the report says so, though -u let the test pass.
      expect(summary).toMatch(/^# Memory report\n\n\*\*1 of 3 memory checks over budget\*\*, 2 within/)
      expect(summary).toContain('## 01. Budget "cache": over budget')
      expect(summary).not.toContain('![')
    } finally {
      suite.remove()
      rmSync(summaryDir, { recursive: true, force: true })
    }
  })

  test('CI=true with -u never writes the file, and the budget checks still fail', async () => {
    const suite = copySuite('record-single')
    try {
      const file = path.join(suite.root, 'memory-budgets.json')
      const before = readFileSync(file, 'utf8')
      const run = await runSuite(suite.root, { update: true, mainEnv: { CI: 'true' } })
      expect(run.states, whyOf(run)).toEqual({ 'a budget the block breaks': 'failed', 'a budget the file lacks': 'failed', 'a leak check': 'passed' })
      expect(run.errors['a budget the file lacks']).toContain(RECORD_HINT)
      expect(run.output).toContain(' Memory budgets were not recorded: CI is set, and vitest -u never writes budgets in CI.')
      expect(readFileSync(file, 'utf8')).toBe(before)
      expect(readdirSync(suite.root).filter((name) => name.endsWith('.tmp'))).toEqual([])
    } finally {
      suite.remove()
    }
  })

  test('a malformed budget file under -u is reported and left byte for byte', async () => {
    const suite = copySuite('record-malformed')
    try {
      const file = path.join(suite.root, 'memory-budgets.json')
      const before = readFileSync(file)
      const run = await runSuite(suite.root, { update: true, mainEnv: LOCAL })
      expect(run.states['a budget check with a malformed budget file']).toBe('failed')
      const message = run.errors['a budget check with a malformed budget file']!
      expect(message).toContain(`Memory budget file is not valid JSON: ${file}:5:3`)
      expect(message).toContain('JSON does not allow a comma after the last item.')
      expect(run.exitCode).toBe(1)
      expect(readFileSync(file).equals(before)).toBe(true)
      // No temporary file left, and no report: no check measured anything.
      expect(readdirSync(suite.root).sort()).toEqual(['checks.test.ts', 'memory-budgets.json', 'node_modules', 'package.json', 'vitest.config.ts'])
    } finally {
      suite.remove()
    }
  })
})
