import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { MemoryReport } from '../../src/reporting/report-model.ts'
import { copySuite, type SuiteCopy } from '../helpers/copy-suite.ts'
import { tableRows } from '../helpers/memory-table.ts'
import { runSuite, type SuiteRun } from '../helpers/run-vitest.ts'

// The plugin's table and report beside Vitest's own reporters, and across shards merged from blobs:
// real Vitest runs of copies of fixtures/suites/reporters (two files, three checks, one over).

const HEADLINE = ' 1 of 3 memory checks over budget, 2 within (2 budgets checked, 1 leak check).'
const MARKDOWN_HEADLINE = '**1 of 3 memory checks over budget**, 2 within (2 budgets checked, 1 leak check).'
/** The repository's own CI may set CI: recording runs must not inherit it. */
const LOCAL = { CI: undefined }

// toLeakMemory measures on, 5 cycles at a time up to 15, while a short run's growth is unsettled
// (a fresh worker's V8 settling read over 1 kB/cycle in 5 cycles, in 1 CI run of 3 or so).
const LEAK_CYCLES = /^(5|10|15)$/
const EXPECTED_ROWS = [
  ['a.test.ts', 'toLeakMemory', 'a clean block leaks nothing', expect.stringMatching(LEAK_CYCLES), 'within'],
  ['a.test.ts', '"garbage"', '100 kB of garbage a cycle breaks a 10 kB allocati…', '5+5', 'over'],
  ['b.test.ts', '"empty"', 'an empty block stays within its budget', '5+5', 'within'],
]

function readReport(root: string): MemoryReport {
  return JSON.parse(readFileSync(path.join(root, 'memory-report/memory-report.json'), 'utf8')) as MemoryReport
}

/** What a report says about each check, figures left out (a leak check's cycles: whether they are a run's 5, extended or not). */
function reportRows(report: MemoryReport) {
  return report.checks.map(({ id, file, test, matcher, budget, verdict, cycles, chart }) => ({
    id, file, test, matcher, budget, verdict, chart,
    cycles: matcher === 'toLeakMemory' && LEAK_CYCLES.test(String(cycles)) ? '5 to 15' : cycles,
  }))
}

describe('beside Vitest reporters that print to stdout', () => {
  let suite: SuiteCopy
  let json: SuiteRun
  let junit: SuiteRun
  beforeAll(async () => {
    suite = copySuite('reporters')
    // `{ stdout: true }`: Vitest 5 writes these under .vitest/ without it; Vitest 4 prints to stdout anyway.
    json = await runSuite(suite.root, { reporters: [['json', { stdout: true }]] })
    junit = await runSuite(suite.root, { reporters: [['junit', { stdout: true }]] })
  })
  afterAll(() => suite?.remove())

  test('json: stdout is the JSON document alone, the check records in its meta', () => {
    const results = JSON.parse(json.stdout) as { numTotalTests: number; numFailedTests: number; testResults: Array<{ assertionResults: Array<{ meta: { memoryBudget?: unknown[] } }> }> }
    expect(results.numTotalTests).toBe(4)
    expect(results.numFailedTests).toBe(1)
    expect(results.testResults.flatMap((file) => file.assertionResults.flatMap((test) => test.meta.memoryBudget ?? []))).toHaveLength(3)
  })

  test('json: the table, its headline and the report path go to stderr instead', () => {
    expect(tableRows(json.stderr)).toEqual(EXPECTED_ROWS)
    expect(json.stderr).toContain(`\n${HEADLINE}\n`)
    expect(json.stderr).toContain(' Memory report: ')
    expect(json.stdout).not.toContain(' Memory budgets')
    expect(json.stdout).not.toContain(' Memory report: ')
  })

  test('junit: stdout is the XML document alone, the table on stderr', () => {
    const xml = junit.stdout.trim()
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8" \?>\n<testsuites [^]*<\/testsuites>$/)
    expect(xml.match(/<testcase /g)).toHaveLength(4)
    expect(xml).not.toContain('Memory budgets')
    expect(tableRows(junit.stderr)).toEqual(EXPECTED_ROWS)
    expect(junit.stderr).toContain(`\n${HEADLINE}\n`)
  })
})

// dot (with junit to a file) is the reporter of the unsharded run of the shards' describe below.
describe('beside reporters that print text, and reporters that write files', () => {
  let suite: SuiteCopy
  let verbose: SuiteRun
  beforeAll(async () => {
    suite = copySuite('reporters')
    verbose = await runSuite(suite.root, { reporters: ['verbose', ['json', { outputFile: 'results/vitest.json' }]] })
  })
  afterAll(() => suite?.remove())

  test('verbose: its lines, then the table and its headline, on stdout', () => {
    expect(verbose.stdout).toMatch(/✓ a\.test\.ts > a clean block leaks nothing/)
    expect(verbose.stdout).toMatch(/× a\.test\.ts > 100 kB of garbage a cycle breaks a 10 kB allocation budget/)
    expect(verbose.stdout.indexOf(' Memory budgets')).toBeGreaterThan(verbose.stdout.indexOf('a clean block leaks nothing'))
    expect(tableRows(verbose.stdout)).toEqual(EXPECTED_ROWS)
    expect(verbose.stdout).toContain(`\n${HEADLINE}\n`)
    expect(verbose.stderr).not.toContain('Memory budgets')
  })

  test('json with an output file: the file is valid JSON, the table stays on stdout', () => {
    const results = JSON.parse(readFileSync(path.join(suite.root, 'results/vitest.json'), 'utf8')) as { numTotalTests: number }
    expect(results.numTotalTests).toBe(4)
    expect(verbose.stdout).toContain(`JSON report written to ${path.join(suite.root, 'results/vitest.json')}`)
  })

  test('every run writes the report, whatever the reporters', () => {
    const report = readReport(suite.root)
    expect(report.summary).toMatchObject({ checks: 3, within: 2, over: 1, verdict: 'over' })
    expect(readFileSync(path.join(suite.root, 'memory-report/memory-report.md'), 'utf8')).toContain(`\n\n${MARKDOWN_HEADLINE}\n\n`)
  })
})

describe('an unsharded run (dot, junit to a file), then --shard with --reporter=blob and --merge-reports', () => {
  let suite: SuiteCopy
  let whole: SuiteRun
  let wholeReport: MemoryReport
  let wholeMarkdown: string
  let shards: Array<{ run: SuiteRun; report: MemoryReport; markdown: string }>
  let merged: SuiteRun
  let mergedReport: MemoryReport
  beforeAll(async () => {
    suite = copySuite('reporters')
    const markdownOf = () => readFileSync(path.join(suite.root, 'memory-report/memory-report.md'), 'utf8')
    whole = await runSuite(suite.root, { reporters: ['dot', ['junit', { outputFile: 'results/junit.xml' }]] })
    wholeReport = readReport(suite.root)
    wholeMarkdown = markdownOf()
    shards = []
    for (const shard of ['1/2', '2/2']) {
      const run = await runSuite(suite.root, { shard, reporters: ['blob'] })
      shards.push({ run, report: readReport(suite.root), markdown: markdownOf() })
    }
    // Vitest 5 keeps blobs in .vitest/blob, Vitest 4 in .vitest-reports.
    const blobs = [path.join(suite.root, '.vitest/blob'), path.join(suite.root, '.vitest-reports')].find((dir) => existsSync(dir))!
    merged = await runSuite(suite.root, { mergeReports: blobs })
    mergedReport = readReport(suite.root)
  })
  afterAll(() => suite?.remove())

  test('dot: its dots, then the table and its headline, on stdout', () => {
    expect(whole.stdout).toMatch(/\n[·x]{4}\n/)
    expect(tableRows(whole.stdout)).toEqual(EXPECTED_ROWS)
    expect(whole.stdout).toContain(`\n${HEADLINE}\n`)
  })

  test('junit with an output file: the file is the XML document, the table stays on stdout', () => {
    const xml = readFileSync(path.join(suite.root, 'results/junit.xml'), 'utf8').trim()
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8" \?>\n<testsuites [^]*<\/testsuites>$/)
    expect(xml.match(/<testcase /g)).toHaveLength(4)
    expect(whole.stdout).toContain('JUNIT report written to')
  })

  test('each shard measures its own file: its table and report cover that file, and say which shard it was', () => {
    const files = shards.map(({ run }) => [...new Set(tableRows(run.stdout).map((row) => row[0]))])
    expect(files.flat().sort()).toEqual(['a.test.ts', 'b.test.ts'])
    shards.forEach(({ report, markdown }, index) => {
      expect(report.shard).toEqual({ index: index + 1, count: 2 })
      expect(markdown).toContain(`. This is shard ${index + 1} of 2: \`vitest --merge-reports\` on the shards' blobs gives the whole run's report.\n`)
    })
  })

  test('the merged run prints the table of the unsharded run', () => {
    expect(merged.states).toEqual(whole.states)
    expect(Object.keys(merged.errors)).toEqual(['100 kB of garbage a cycle breaks a 10 kB allocation budget'])
    expect(tableRows(merged.stdout)).toEqual(EXPECTED_ROWS)
    expect(tableRows(whole.stdout)).toEqual(EXPECTED_ROWS)
    expect(merged.stdout).toContain(`\n${HEADLINE}\n`)
  })

  test('the merged run writes the report of the unsharded run: the same checks, verdicts, counts and charts', () => {
    expect(reportRows(mergedReport)).toEqual(reportRows(wholeReport))
    expect(mergedReport.summary).toEqual(wholeReport.summary)
    expect(mergedReport.shard).toBeUndefined()
    const headline = (markdown: string) => markdown.split('\n')[2]
    expect(headline(readFileSync(path.join(suite.root, 'memory-report/memory-report.md'), 'utf8'))).toBe(headline(wholeMarkdown))
    expect(headline(wholeMarkdown)).toBe(MARKDOWN_HEADLINE)
    for (const check of mergedReport.checks) expect(existsSync(path.join(suite.root, 'memory-report', check.chart!)), check.chart).toBe(true)
  })
})

describe('vitest -u over two shards, one after another on the same budget file', () => {
  let suite: SuiteCopy
  let file: string
  let before: Record<string, unknown>
  let texts: string[]
  let runs: SuiteRun[]
  beforeAll(async () => {
    suite = copySuite('reporters')
    file = path.join(suite.root, 'memory-budgets.json')
    // Both shards must have something to write: -u leaves the 600 kB that "empty" holds within as it
    // is, and records an entry without limits.
    writeFileSync(file, readFileSync(file, 'utf8').replace('"empty": { "retained": "600 kB" }', '"empty": {}'))
    before = JSON.parse(readFileSync(file, 'utf8')).budgets
    texts = []
    runs = []
    for (const shard of ['1/2', '2/2']) {
      runs.push(await runSuite(suite.root, { shard, update: true, mainEnv: LOCAL }))
      texts.push(readFileSync(file, 'utf8'))
    }
  })
  afterAll(() => suite?.remove())

  test('each shard records the budgets it measured, and keeps the ones the other shard did', () => {
    const [first, second] = texts.map((text) => JSON.parse(text).budgets as Record<string, Record<string, string>>)
    const changedBy = (after: Record<string, unknown>, earlier: Record<string, unknown>) =>
      Object.keys(after).filter((name) => JSON.stringify(after[name]) !== JSON.stringify(earlier[name])).sort()
    const firstChanged = changedBy(first!, before)
    const secondChanged = changedBy(second!, first!)
    // One budget per file, one file per shard: each shard changes one, and the two are different.
    expect([...firstChanged, ...secondChanged].sort()).toEqual(['empty', 'garbage'])
    expect(firstChanged).toHaveLength(1)
    // What the first shard recorded is still there after the second.
    expect(second![firstChanged[0]!]).toEqual(first![firstChanged[0]!])
    expect(second!.garbage!.allocated).toMatch(/^\d+ kB$/)
    expect(second!.garbage!.allocated).not.toBe('10 kB')
    expect(second!.empty!.retained).toMatch(/^\d+(\.\d)? kB$/)
    expect(second!.unrelated).toEqual(before.unrelated)
  })

  test('each shard says what it recorded, and only that', () => {
    const recorded = runs.map((run) => [...run.output.matchAll(/ {3}changed {4}"(\w+)"/g)].map((match) => match[1]))
    expect(recorded.flat().sort()).toEqual(['empty', 'garbage'])
    expect(recorded.map((names) => names.length)).toEqual([1, 1])
  })
})
