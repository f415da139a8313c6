import { copyFileSync, existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Comparison } from '../../src/reporting/compare/comparison.ts'
import { figureLabel } from '../../src/reporting/compare/figures.ts'
import type { MemoryReport } from '../../src/reporting/report-model.ts'
import { copySuite, type SuiteCopy } from '../helpers/copy-suite.ts'
import { runSuite, whyOf, type SuiteRun } from '../helpers/run-vitest.ts'

// A base run and a head run of fixtures/suites/compare, the head compared with the base through
// VITEST_MEMORY_BUDGET_COMPARE: one check allocating 200 KiB a cycle more, one keeping 50 kB more,
// three unchanged, one added, one removed; the head again in two shards merged from blobs; then the
// base's code again, compared with the base.

function reportOf(root: string): MemoryReport {
  return JSON.parse(readFileSync(path.join(root, 'memory-report/memory-report.json'), 'utf8')) as MemoryReport
}

/** Each check as `status name: figure change, ...` (the figures that moved). */
function changes(comparison: Comparison): string[] {
  return comparison.checks.map((check) => {
    const moved = check.figures.filter((figure) => figure.change !== 'unchanged').map((figure) => `${figureLabel(figure)} ${figure.change}`)
    return `${check.status} ${check.key.budget ?? check.key.test}${moved.length > 0 ? `: ${moved.join(', ')}` : ''}`
  })
}

describe('compare: a head run with a base', () => {
  let suite: SuiteCopy
  let base: SuiteRun
  let head: SuiteRun
  let same: SuiteRun
  let merged: SuiteRun
  let mergedReport: MemoryReport
  let headReport: MemoryReport
  let headMarkdown: string
  let sameReport: MemoryReport
  beforeAll(async () => {
    suite = copySuite('compare')
    const local = { CI: undefined }
    // The first run of a branch has no base yet: it says so, and goes on.
    base = await runSuite(suite.root, { mainEnv: { ...local, VITEST_MEMORY_BUDGET_COMPARE: 'missing.json' } })
    copyFileSync(path.join(suite.root, 'memory-report/memory-report.json'), path.join(suite.root, 'base.json'))
    const compared = { ...local, VITEST_MEMORY_BUDGET_COMPARE: 'base.json' }
    head = await runSuite(suite.root, { env: { MEMORY_VARIANT: 'head' }, mainEnv: compared })
    headReport = reportOf(suite.root)
    headMarkdown = readFileSync(path.join(suite.root, 'memory-report/memory-report.md'), 'utf8')
    for (const shard of ['1/2', '2/2']) await runSuite(suite.root, { shard, reporters: ['blob'], env: { MEMORY_VARIANT: 'head' }, mainEnv: local })
    // Vitest 5 keeps blobs in .vitest/blob, Vitest 4 in .vitest-reports.
    const blobs = [path.join(suite.root, '.vitest/blob'), path.join(suite.root, '.vitest-reports')].find((dir) => existsSync(dir))!
    merged = await runSuite(suite.root, { mergeReports: blobs, mainEnv: compared })
    mergedReport = reportOf(suite.root)
    same = await runSuite(suite.root, { mainEnv: compared })
    sameReport = reportOf(suite.root)
  }, 600_000)
  afterAll(() => suite?.remove())

  test('a base that is not there yet: one line saying so, and the run goes on', () => {
    expect(base.exitCode, whyOf(base)).toBe(0)
    expect(base.output).toContain(' Memory comparison: none, base report missing.json: cannot read it (no such file); expected a memory-report.json written by vitest-memory-budget (report version 2)\n')
  })

  test('every check of both runs passed its budget', () => {
    expect(base.exitCode, whyOf(base)).toBe(0)
    expect(Object.values(head.states).filter((state) => state !== 'skipped').every((state) => state === 'passed'), whyOf(head)).toBe(true)
  })

  test('the head reads exactly the changes made: 200 KiB/cycle more allocated, 50 kB more retained, one added, one removed', () => {
    const comparison = headReport.comparison!
    expect(changes(comparison)).toEqual([
      // The peak of the used heap counts garbage not yet collected: 200 KiB more of it a cycle is higher too.
      'changed telemetry: allocated increased, peak increased',
      'changed cache: retained increased',
      'added added in the head',
      'removed removed in the head',
      'unchanged steady',
      'unchanged a clean block leaks nothing',
      'unchanged serialize',
    ])
    const [telemetry, cache] = comparison.checks
    const allocated = telemetry!.figures.find((figure) => figure.key === 'allocated')!
    expect(allocated.delta).toBeGreaterThan(200 * 1024 * 0.95)
    expect(allocated.delta).toBeLessThan(200 * 1024 * 1.05)
    expect(cache!.figures[0]).toMatchObject({ key: 'retained', change: 'increased' })
    expect(cache!.figures[0]!.delta).toBeGreaterThan(45_000)
    expect(cache!.figures[0]!.delta).toBeLessThan(55_000)
    expect(comparison.base.file).toBe('base.json')
  })

  test('failOn fails the head run: exit code 1, each increase over its limit in one line', () => {
    expect(head.exitCode).toBe(1)
    expect(head.output).toContain(' Memory regressions: 2 increases beyond noise over failOn\n')
    expect(head.output).toMatch(/\n {3}"telemetry" \(compare\.test\.ts › telemetry\): allocated \+(19\d|2[01]\d) kB\/cycle \(\+\d+%\), over the \+10% allowed\n/)
    expect(head.output).toMatch(/\n {3}"cache" \(compare\.test\.ts › cache\): retained \+\d\d(\.\d)? kB \(\+\d+%\), over the \+4 kB allowed\n/)
  })

  test("the table's since-base column and the markdown report's section", () => {
    expect(head.output).toMatch(/ {2}since base {2,}verdict\n/)
    expect(head.output).toMatch(/\n {4}toLeakMemory +added in the head .* new +within\n/)
    expect(head.output).toContain(' Memory comparison with base.json: 2 checks changed, 1 added, 1 removed since the base run; 3 within noise.\n')
    expect(headMarkdown).toContain('\n\n## Changes since base\n\n**2 checks changed, 1 added, 1 removed** since the base run; 3 within noise.\n\n')
  })

  test('the head in two shards merged from blobs compares as the unsharded head: the same changes, the same exit code', () => {
    expect(changes(mergedReport.comparison!)).toEqual(changes(headReport.comparison!))
    expect(mergedReport.comparison!.environment.differences).toEqual([])
    expect(merged.exitCode).toBe(1)
    expect(merged.output).toContain(' Memory regressions: 2 increases beyond noise over failOn\n')
  })

  test("the base's code again reads unchanged, and passes failOn", () => {
    expect(same.exitCode, whyOf(same)).toBe(0)
    expect(changes(sameReport.comparison!)).toEqual([
      'unchanged telemetry', 'unchanged cache', 'unchanged removed in the head', 'unchanged steady', 'unchanged a clean block leaks nothing', 'unchanged serialize',
    ])
    expect(same.output).toContain(' Memory comparison with base.json: No change since the base run: 6 checks, every figure within noise.\n')
  })
})
