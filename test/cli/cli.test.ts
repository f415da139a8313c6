import { describe, expect, test } from 'vitest'
import { runCli } from '../../src/cli/cli.ts'
import type { MemoryReport } from '../../src/reporting/report-model.ts'
import { budgetCheck, ENVIRONMENT, report } from '../helpers/memory-reports.ts'

/** Runs the CLI on reports held in memory, as a test's fake process: its stdout, stderr and exit code. */
function cli(argv: string, files: Record<string, MemoryReport | string>) {
  let stdout = ''
  let stderr = ''
  const code = runCli({
    argv: argv.split(' ').filter(Boolean),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: '/ci',
    readFile: (file) => {
      const content = files[file]
      if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: 'ENOENT' })
      return typeof content === 'string' ? content : JSON.stringify(content)
    },
  })
  return { code, stdout, stderr }
}

const ALLOCATING = { baseline: 100_000, candidate: 250_000 }
const base = report([budgetCheck('telemetry', { allocated: ALLOCATING }), budgetCheck('cache', { retained: 10_000, retainedUncertainty: 0 })])
const unchanged = report([
  budgetCheck('telemetry', { allocated: { baseline: 101_000, candidate: 254_000 }, retained: 2_500 }),
  budgetCheck('cache', { retained: 11_500, retainedUncertainty: 0 }),
])
const grown = report([
  budgetCheck('telemetry', { allocated: { baseline: 100_000, candidate: 450_000 } }),
  budgetCheck('cache', { retained: 60_000, retainedUncertainty: 0 }),
])
const files = { '/ci/base.json': base, '/ci/unchanged.json': unchanged, '/ci/grown.json': grown }

describe('compare', () => {
  test('a run that changed nothing beyond noise: the section says so, and even tight --fail-on limits exit 0', () => {
    const expected = `## Changes since base

**No change since the base run**: 2 checks, every figure within noise.

<details><summary>2 checks within noise</summary>

| check | test | figures |
| --- | --- | --- |
| \`telemetry\` | telemetry.test.ts › telemetry stays within budget | retained, leak (baseline), leak (candidate), allocated, peak |
| \`cache\` | telemetry.test.ts › cache stays within budget | retained, leak (baseline), leak (candidate) |

</details>
`
    expect(cli('compare base.json unchanged.json', files)).toEqual({ code: 0, stdout: expected, stderr: '' })
    const tight = cli('compare base.json unchanged.json --fail-on allocated=1%,retained=1B,peak=1%', files)
    expect([tight.code, tight.stderr]).toEqual([0, ''])
    expect(tight.stdout).toContain('\n\nNo increase beyond noise over the limits (allocated +1%, retained +1B, peak +1%).\n\n')
  })

  test('200 kB/cycle more allocated and 50 kB more retained: shown as changes, exit 0 without --fail-on', () => {
    const { code, stdout, stderr } = cli('compare base.json grown.json', files)
    expect([code, stderr]).toEqual([0, ''])
    expect(stdout).toBe(`## Changes since base

**2 checks changed** since the base run.

| | check | test | what changed | verdict |
| --- | --- | --- | --- | --- |
| 📈 | \`telemetry\` | telemetry.test.ts › telemetry stays within budget | allocated +200 kB/cycle (+133%): 150 kB/cycle → 350 kB/cycle | ✅ within |
| 📈 | \`cache\` | telemetry.test.ts › cache stays within budget | retained +50 kB (+500%): 10 kB → 60 kB | ✅ within |
`)
  })

  test('--fail-on: exit 1, the increases over the limits on stderr', () => {
    const { code, stderr } = cli('compare base.json grown.json --fail-on allocated=10%,retained=4kB,peak=10%', files)
    expect(code).toBe(1)
    expect(stderr).toBe(`vitest-memory-budget: 2 increases beyond noise over --fail-on
  "telemetry" (telemetry.test.ts › telemetry stays within budget): allocated +200 kB/cycle (+133%), over the +10% allowed
  "cache" (telemetry.test.ts › cache stays within budget): retained +50 kB (+500%), over the +4kB allowed
`)
  })

  test('--fail-on with limits the increases stay within: exit 0', () => {
    expect(cli('compare base.json grown.json --fail-on allocated=200%,retained=100kB', files)).toMatchObject({ code: 0, stderr: '' })
  })

  test('--fail-on across another Node version: exit 0, saying why it does not fail', () => {
    const otherNode = report(grown.checks, { environment: { ...ENVIRONMENT, node: 'v22.12.0' } })
    const { code, stderr } = cli('compare base.json node22.json --fail-on retained=4kB', { ...files, '/ci/node22.json': otherNode })
    expect(code).toBe(0)
    expect(stderr).toBe(`vitest-memory-budget: 1 increase over --fail-on, not failing: the runs differ in node v24.21.0 -> v22.12.0, so their figures do not compare
  "cache" (telemetry.test.ts › cache stays within budget): retained +50 kB (+500%), over the +4kB allowed
`)
  })

  test('--format json: the comparison; --format benchmark and bencher: the head run as customSmallerIsBetter and Bencher Metric Format', () => {
    const json = cli('compare base.json grown.json --format json', files)
    expect(json.code).toBe(0)
    const comparison = JSON.parse(json.stdout)
    expect(comparison.summary).toEqual({ changed: 2, unchanged: 0, added: 0, removed: 0, renamed: 0, verdictChanged: 0 })
    expect(comparison.checks[1].figures[0]).toEqual({ key: 'retained', unit: 'B', base: 10_000, head: 60_000, delta: 50_000, relative: 5, noise: 4096, change: 'increased' })
    const benchmark = cli('compare base.json grown.json --format benchmark', files)
    expect(JSON.parse(benchmark.stdout)[0]).toEqual({ name: '"telemetry" (telemetry.test.ts › telemetry stays within budget) › retained', unit: 'bytes', value: 1000, range: '± 400', extra: 'verdict: within' })
    const bencher = JSON.parse(cli('compare base.json grown.json --format bencher', files).stdout)
    expect(bencher['"cache" (telemetry.test.ts › cache stays within budget)']).toEqual({
      retained: { value: 60_000 },
      'leak (baseline)': { value: 0, lower_value: -20, upper_value: 20 },
      'leak (candidate)': { value: 0, lower_value: -20, upper_value: 20 },
    })
  })

  test('--help: the usage on stdout, exit 0', () => {
    const { code, stdout } = cli('--help', {})
    expect(code).toBe(0)
    expect(stdout.split('\n')[0]).toBe('Usage: vitest-memory-budget compare <base.json> <head.json> [options]')
  })
})

describe('bad input: exit 2, one line naming what was wrong', () => {
  const USAGE_LINE = 'Usage: vitest-memory-budget compare <base.json> <head.json> [options] (--help for the options)\n'
  test.each([
    ['compare base.json missing.json', 'vitest-memory-budget: head report missing.json: cannot read it (no such file); expected a memory-report.json written by vitest-memory-budget (report version 2)\n'],
    ['compare notjson.json grown.json', 'vitest-memory-budget: base report notjson.json: not JSON (Unexpected token \'<\', "<html>" is not valid JSON); expected a memory-report.json written by vitest-memory-budget (report version 2)\n'],
    ['compare notjson2.json grown.json', 'vitest-memory-budget: base report notjson2.json: not JSON (Unexpected token \'o\', "not json\\n" is not valid JSON); expected a memory-report.json written by vitest-memory-budget (report version 2)\n'],
    ['compare base.json grown.json --fail-on allocated', 'vitest-memory-budget: --fail-on: expected figure=limit pairs separated by commas, such as allocated=10%,retained=4kB, got "allocated"\n'],
    ['compare base.json grown.json --fail-on heap=10%', 'vitest-memory-budget: --fail-on heap: not a figure a comparison reads; expected one of retained, leak, allocated, direct, peak, objects\n'],
    ['compare base.json grown.json --format xml', `vitest-memory-budget: --format: expected markdown, json, benchmark or bencher, got "xml"\n${USAGE_LINE}`],
    ['compare base.json', `vitest-memory-budget: compare takes two reports, the base run's then this run's, got 1\n${USAGE_LINE}`],
    ['diff base.json grown.json', `vitest-memory-budget: unknown command "diff"\n${USAGE_LINE}`],
    ['', `vitest-memory-budget: no command given\n${USAGE_LINE}`],
    ['compare base.json grown.json --threshold 5', `vitest-memory-budget: Unknown option '--threshold'\n${USAGE_LINE}`],
  ])('%s', (argv, stderr) => {
    // A file's own line breaks, quoted by the parser, stay on the message's one line.
    expect(cli(argv, { ...files, '/ci/notjson.json': '<html>', '/ci/notjson2.json': 'not json\n' })).toEqual({ code: 2, stdout: '', stderr })
  })
})
