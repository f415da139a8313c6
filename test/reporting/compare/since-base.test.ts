import { stripVTControlCharacters } from 'node:util'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { compareReports } from '../../../src/reporting/compare/compare-reports.ts'
import { COMPARE_ENV, failOnWithoutBase, resolveCompare, validateCompareOptions } from '../../../src/reporting/compare/compare-option.ts'
import { parseFailOn } from '../../../src/reporting/compare/fail-on.ts'
import { formatSince } from '../../../src/reporting/compare/format.ts'
import { renderMarkdown } from '../../../src/reporting/markdown-report.ts'
import { buildReport } from '../../../src/reporting/report-model.ts'
import { formatSummary, sinceBase, type SummaryRow } from '../../../src/reporting/summary-reporter.ts'
import { budgetCheck as budgetRecord, leakCheck as leakRecord } from '../../helpers/check-records.ts'
import { budgetCheck, ENVIRONMENT, leakCheck, report } from '../../helpers/memory-reports.ts'

// Where a comparison shows in a run of the plugin: the table's column, the report's section, the options.

describe('formatSince', () => {
  const base = report([budgetCheck('telemetry', { allocated: { baseline: 100_000, candidate: 250_000 } }), budgetCheck('cache', { test: 'caches' }), leakCheck(0)])
  const head = report([
    budgetCheck('telemetry', { allocated: { baseline: 100_000, candidate: 450_000 }, retained: 51_000, verdict: 'over' }),
    budgetCheck('cache', { test: 'caches prices' }),
    leakCheck(0),
    leakCheck(0, { test: 'new' }),
  ])
  test.each([
    [0, 'was within, retained +50 kB (+5000%), allocated +200 kB/cycle (+133%)'],
    [1, 'renamed from test "caches"'],
    [2, 'unchanged'],
    [3, 'new'],
  ])('check %i: %s', (index, text) => {
    const comparison = compareReports(base, head)
    expect(formatSince(comparison.checks.find((check) => check.ids.head === head.checks[index]!.id && check.key.test === head.checks[index]!.test)!)).toBe(text)
  })
})

describe('the table with a base', () => {
  afterEach(() => vi.unstubAllEnvs())

  test("a `since base` column before the verdict; an earlier attempt's row has none", () => {
    vi.stubEnv('NO_COLOR', '1')
    vi.stubEnv('FORCE_COLOR', undefined)
    const rows: SummaryRow[] = [
      { file: 'client.test.ts', test: 'caches', record: budgetRecord({ budget: 'cache', retained: 60_000, uncertainty: 0, source: 'heap snapshots' }) },
      { file: 'client.test.ts', test: 'flaky', record: leakRecord(5), earlierAttempt: true },
      { file: 'client.test.ts', test: 'flaky', record: leakRecord(3) },
    ]
    const context = { root: '/project', createdAt: new Date(0), environment: ENVIRONMENT, version: '0.1.0' }
    const head = buildReport(rows, context)
    const base = buildReport([{ ...rows[0]!, record: budgetRecord({ budget: 'cache', retained: 10_000, uncertainty: 0, source: 'heap snapshots' }) }, rows[2]!], context)
    const comparison = compareReports(base, head, { failOn: parseFailOn({ retained: '4 kB' }) })
    const byHead = head.checks.map((check) => comparison.checks.find((c) => c.ids.head === check.id))
    const since = sinceBase(rows, byHead, new Set(comparison.regressions.map((regression) => regression.figure)))
    expect(since).toEqual([{ text: 'retained +50 kB (+500%)', regressed: true }, undefined, { text: 'unchanged', regressed: false }])
    expect(stripVTControlCharacters(formatSummary(rows, { since })).split('\n').slice(2, 7)).toEqual([
      '    check         test    cycles  retained     leak/cycle (without / with)  allocated/cycle  peak  objects (top group)  since base               verdict',
      '  client.test.ts',
      '    "cache"       caches  20+20   60 kB exact  0 B/cycle / 0 B/cycle        -                -     -                    retained +50 kB (+500%)  within',
      '    toLeakMemory  flaky   20      -            5 B/cycle                    -                -     -                    -                        within (attempt 1, retried)',
      '    toLeakMemory  flaky   20      -            3 B/cycle                    -                -     -                    unchanged                within',
    ])
  })
})

describe('the markdown report with a base', () => {
  test('the section comes after the summary table, before the checks', () => {
    const run = buildReport([{ file: 'a.test.ts', test: 'a', record: leakRecord(3) }], { root: '/project', createdAt: new Date(0), environment: ENVIRONMENT, version: '0' })
    const markdown = renderMarkdown(run, { comparison: '## Changes since base\n\n**No change since the base run**: 1 check, every figure within noise.\n' })
    expect(markdown).toContain('| ✅ within | [toLeakMemory](#01-toleakmemory-within-budget) | a.test.ts › a | 20 | – | 3 B | – |\n\n## Changes since base\n\n**No change since the base run**: 1 check, every figure within noise.\n\n## 01. toLeakMemory: within budget')
    expect(renderMarkdown(run)).not.toContain('Changes since base')
  })
})

describe('the compare and failOn options', () => {
  test('the base relative to the root; the environment variable wins', () => {
    expect(resolveCompare('base/memory-report.json', { allocated: '10%' }, '/project', {})).toEqual({
      base: '/project/base/memory-report.json', shown: 'base/memory-report.json', failOn: parseFailOn({ allocated: '10%' }),
    })
    expect(resolveCompare('base/memory-report.json', undefined, '/project', { [COMPARE_ENV]: '/artifacts/main.json' })).toEqual({ base: '/artifacts/main.json', shown: '/artifacts/main.json' })
    expect(resolveCompare(undefined, undefined, '/project', { [COMPARE_ENV]: ' ' })).toBeUndefined()
  })

  test('failOn with no base named (a path CI did not set) is said, not silent: the gate is off in that run', () => {
    const none = resolveCompare(undefined, { allocated: '10%' }, '/project', {})
    expect(failOnWithoutBase({ allocated: '10%' }, none)).toBe(
      'vitest-memory-budget: no base report to compare with (neither the compare option nor VITEST_MEMORY_BUDGET_COMPARE names one): failOn checks nothing in this run.',
    )
    const named = resolveCompare(undefined, { allocated: '10%' }, '/project', { [COMPARE_ENV]: 'base.json' })
    expect(failOnWithoutBase({ allocated: '10%' }, named)).toBeUndefined()
    expect(failOnWithoutBase(undefined, none)).toBeUndefined()
  })

  test.each([
    [42, undefined, "vitest-memory-budget: the compare option must be the path of a base run's memory-report.json, such as 'base/memory-report.json', got 42"],
    [undefined, { retained: 'lots' }, `vitest-memory-budget: the failOn option's retained: expected a share of the base's figure such as 10%, or a size such as 600 kB, 1.5 MiB or 512 (bytes); got "lots"`],
    [undefined, ['10%'], `vitest-memory-budget: the failOn option: expected limits such as { allocated: '10%', retained: '4 kB' }, got ["10%"]`],
  ])('compare %j, failOn %j: refused when the plugin is created', (compare, failOn, message) => {
    expect(() => validateCompareOptions(compare, failOn as never)).toThrow(new TypeError(message))
  })
})
