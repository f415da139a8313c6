import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { bencherMetrics, benchmarkEntries } from '../reporting/compare/benchmark-export.ts'
import { compareReports } from '../reporting/compare/compare-reports.ts'
import { parseFailOnFlag, type FailOn } from '../reporting/compare/fail-on.ts'
import { readReport, ReportReadError } from '../reporting/compare/read-report.ts'
import { renderComparison } from '../reporting/compare/render-markdown.ts'
import { plural } from '../reporting/check-rows.ts'

/** Everything the CLI touches of its process, so that tests drive it without spawning one. */
export interface CliProcess {
  argv: readonly string[]
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  /** Where relative report paths are read from. @default process.cwd() */
  cwd?: string
  /** Reads a report file; node:fs by default. */
  readFile?: (file: string) => string
}

/** No regression (or none asked about); increases over `--fail-on` beyond noise; input that cannot be compared. */
export const EXIT = { ok: 0, regression: 1, badInput: 2 } as const

export const USAGE = `Usage: vitest-memory-budget compare <base.json> <head.json> [options]

Compares two runs' memory-report.json: per check and figure, base, head, and the change when it is
beyond the noise of both runs.

Options:
  --format <markdown|json|benchmark|bencher>
                                      markdown (a pull request comment, the default), the comparison
                                      as JSON, or the head run's figures as github-action-benchmark's
                                      customSmallerIsBetter JSON or Bencher Metric Format JSON
  --fail-on <figure=limit,...>        exit 1 when a figure grew beyond noise by more than its limit:
                                      allocated=10%,retained=4kB,peak=10% (figures: retained, leak,
                                      allocated, direct, peak, objects; a share of the base's figure
                                      or a size)
  -h, --help                          this text

Exit codes: 0 no regression, 1 over a --fail-on limit, 2 bad input.
`

const FORMATS = ['markdown', 'json', 'benchmark', 'bencher'] as const
type Format = (typeof FORMATS)[number]

/** A CLI mistake: said on stderr with the usage's first line, exit 2. */
class UsageError extends Error {}

/**
 * `vitest-memory-budget compare base.json head.json [--format ...] [--fail-on ...]`: writes the
 * comparison to stdout, what failed or was wrong to stderr, and returns the exit code (EXIT).
 */
export function runCli(cli: CliProcess): number {
  try {
    return run(cli)
  } catch (error) {
    if (error instanceof UsageError || error instanceof ReportReadError || error instanceof TypeError) {
      const usage = error instanceof UsageError ? `${USAGE.split('\n')[0]} (--help for the options)\n` : ''
      cli.stderr.write(`vitest-memory-budget: ${error.message}\n${usage}`)
      return EXIT.badInput
    }
    throw error
  }
}

function run(cli: CliProcess): number {
  const { values, positionals } = parse(cli.argv)
  if (values.help) {
    cli.stdout.write(USAGE)
    return EXIT.ok
  }
  const [command, ...files] = positionals
  if (command !== 'compare') throw new UsageError(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`)
  if (files.length !== 2) throw new UsageError(`compare takes two reports, the base run's then this run's, got ${files.length}`)
  const format = formatOf(values.format)
  const failOn: FailOn | undefined = values['fail-on'] === undefined ? undefined : parseFailOnFlag(values['fail-on'])
  const cwd = cli.cwd ?? process.cwd()
  const read = cli.readFile ?? ((file: string) => readFileSync(file, 'utf8'))
  // Named as given, read from where it is.
  const [base, head] = (['base', 'head'] as const).map((role, index) => readReport(files[index]!, role, (file) => read(path.resolve(cwd, file))))
  const comparison = compareReports(base!, head!, { ...(failOn && { failOn }) })

  if (format === 'markdown') cli.stdout.write(renderComparison(comparison))
  else if (format === 'json') cli.stdout.write(JSON.stringify(comparison, null, 2) + '\n')
  else if (format === 'benchmark') cli.stdout.write(JSON.stringify(benchmarkEntries(head!), null, 2) + '\n')
  else cli.stdout.write(JSON.stringify(bencherMetrics(head!), null, 2) + '\n')

  const { regressions } = comparison
  if (regressions.length === 0) return EXIT.ok
  const lines = regressions.map((regression) => `  ${regression.message}\n`).join('')
  if (!comparison.fails) {
    const differences = comparison.environment.differences.filter((difference) => !difference.minor).map((d) => `${d.key} ${d.base} -> ${d.head}`).join(', ')
    cli.stderr.write(`vitest-memory-budget: ${plural(regressions.length, 'increase')} over --fail-on, not failing: the runs differ in ${differences}, so their figures do not compare\n${lines}`)
    return EXIT.ok
  }
  cli.stderr.write(`vitest-memory-budget: ${plural(regressions.length, 'increase')} beyond noise over --fail-on\n${lines}`)
  return EXIT.regression
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { format: { type: 'string' }, 'fail-on': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (error) {
    // node:util's own words: "Unknown option '--x'", "Option '--format <value>' argument missing".
    throw new UsageError((error as Error).message.split('. ')[0]!.replace(/\.$/, ''))
  }
}

function formatOf(value: string | undefined): Format {
  if (value === undefined) return 'markdown'
  if ((FORMATS as readonly string[]).includes(value)) return value as Format
  throw new UsageError(`--format: expected markdown, json, benchmark or bencher, got ${JSON.stringify(value)}`)
}
