// npm run bench:coverage: verdicts under coverage and in DOM environments. Each setup runs the suite
// in bench/coverage-suite COVERAGE_RUNS times (default 20), each a fresh Vitest run with two workers:
// the file under test and a second file busy with clean checks beside it (a loaded worker pool).
// Every "leak:" test must fail (its block keeps one object a cycle), every other one pass. Prints a
// table of catch and false-positive rates, check times and the machine's load, and rewrites it to
// COVERAGE_OUT (if set) after every run, as a long bench may be stopped; paste it into
// bench/RESULTS.md. COVERAGE_SETUPS=node,v8 narrows the setups; COVERAGE_SETUPS=jsdom:5 sets the
// runs of one.
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import { startVitest } from 'vitest/node'
import type { CheckRecord } from '../src/reporting/check-record.ts'
import { median } from './pool.ts'

interface Setup {
  name: string
  /** What the table says the setup is. */
  label: string
  files: string[]
  coverage?: 'v8' | 'istanbul'
  environment?: 'jsdom' | 'happy-dom'
}

const CLIENT_FILES = ['verdicts.bench-test.ts', 'beside.bench-test.ts']
const DOM_FILES = ['dom.bench-test.ts', 'verdicts.bench-test.ts', 'beside.bench-test.ts']
const SETUPS: Setup[] = [
  { name: 'node', label: 'node, no coverage', files: CLIENT_FILES },
  { name: 'v8', label: 'node, coverage v8', files: CLIENT_FILES, coverage: 'v8' },
  { name: 'istanbul', label: 'node, coverage istanbul', files: CLIENT_FILES, coverage: 'istanbul' },
  { name: 'jsdom', label: 'jsdom', files: DOM_FILES, environment: 'jsdom' },
  { name: 'happy-dom', label: 'happy-dom', files: DOM_FILES, environment: 'happy-dom' },
]

const RUNS = Number(process.env.COVERAGE_RUNS ?? 20)
const chosen = (process.env.COVERAGE_SETUPS ?? SETUPS.map((s) => s.name).join(',')).split(',').map((entry) => {
  const [name, runs] = entry.split(':')
  const setup = SETUPS.find((s) => s.name === name)
  if (!setup) throw new Error(`no setup ${name}; known: ${SETUPS.map((s) => s.name).join(', ')}`)
  return { setup, runs: runs === undefined ? RUNS : Number(runs) }
})

interface TestRun {
  name: string
  file: string
  passed: boolean
  message: string
  record?: CheckRecord
}

interface RunResult {
  tests: TestRun[]
  load: number
  wallMs: number
}

const root = path.resolve('bench/coverage-suite')

async function runOnce(setup: Setup): Promise<RunResult> {
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() })
  const started = performance.now()
  const coverage = setup.coverage
    ? { enabled: true, provider: setup.coverage, reporter: [], reportsDirectory: path.join(os.tmpdir(), `vitest-memory-budget-bench-coverage-${setup.coverage}-${process.pid}`) }
    : { enabled: false }
  const vitest = await startVitest(
    'test',
    setup.files,
    { root, watch: false, coverage: coverage as never, ...(setup.environment && { environment: setup.environment }) },
    {},
    { stdout: quiet, stderr: quiet },
  )
  const tests = vitest.state.getTestModules().flatMap((module) =>
    [...module.children.allTests()].map((test) => ({
      name: test.name,
      file: path.basename(module.moduleId),
      passed: test.result().state === 'passed',
      message: stripVTControlCharacters(test.result().errors?.[0]?.message ?? ''),
      ...(test.meta().memoryBudget?.[0] && { record: test.meta().memoryBudget![0]! }),
    })),
  )
  const unhandled = vitest.state.getUnhandledErrors()
  await vitest.close()
  if (unhandled.length > 0) throw new Error(`${setup.name}: errors outside tests: ${unhandled.map(String).join('; ')}`)
  return { tests, load: os.loadavg()[0]!, wallMs: performance.now() - started }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

function rowsOf(setup: Setup, runs: RunResult[]): string[] {
  const rows: string[] = []
  const byTest = new Map<string, TestRun[]>()
  for (const run of runs) {
    for (const test of run.tests) {
      if (test.file === 'beside.bench-test.ts') continue
      const key = `${test.file}\u0000${test.name}`
      byTest.set(key, [...(byTest.get(key) ?? []), test])
    }
  }
  for (const [key, tests] of byTest) {
    const [file, name] = key.split('\u0000') as [string, string]
    const leaks = name.startsWith('leak:')
    const failed = tests.filter((t) => !t.passed).length
    const verdicts = leaks ? `caught ${failed}/${tests.length}` : `false pos. ${failed}/${tests.length}`
    const times = tests.flatMap((t) => (t.record ? [t.record.durationMs] : []))
    const time = times.length ? `${seconds(median(times))} (max ${seconds(Math.max(...times))})` : '-'
    // The first line of a wrong verdict's message, or of a leak's: what users read.
    const odd = tests.find((t) => t.passed === leaks)
    const said = odd ? (odd.passed ? 'passed' : odd.message.split('\n')[0]!) : leaks ? tests[0]!.message.split('\n')[1]?.trim() ?? '' : ''
    rows.push(`| ${setup.label} | ${file.replace('.bench-test.ts', '')}: ${name} | ${verdicts} | ${time} | ${said.replace(/\|/g, '\\|')} |`)
  }
  return rows
}

function markdown(tableRows = rows): string {
  const sortedLoads = [...loads].sort((a, b) => a - b)
  return [
    `Fresh Vitest runs of bench/coverage-suite (\`npm run bench:coverage\`), two workers: the file under test and a`,
    `second file of clean \`toLeakMemory\` checks beside it. Node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ` +
      `${new Date().toISOString().slice(0, 10)}, load average (1 min) at the end of each run ${sortedLoads[0]?.toFixed(1)}-${sortedLoads.at(-1)?.toFixed(1)} ` +
      `(median ${median(loads).toFixed(1)}), ${Math.round((performance.now() - started) / 60_000)} min.`,
    '',
    '| setup | test | verdicts | check time, median (max) | message (first line of a wrong verdict, else the leak\'s finding) |',
    '| --- | --- | --- | --- | --- |',
    ...tableRows,
    ...(wrong.length ? ['', 'Wrong verdicts:', '', ...wrong] : []),
  ].join('\n')
}

const started = performance.now()
const rows: string[] = []
const loads: number[] = []
const wrong: string[] = []
for (const { setup, runs } of chosen) {
  const results: RunResult[] = []
  for (let i = 0; i < runs; i++) {
    const result = await runOnce(setup)
    results.push(result)
    loads.push(result.load)
    for (const test of result.tests) {
      const shouldFail = test.name.startsWith('leak:')
      if (test.passed !== shouldFail) continue
      wrong.push(`- ${setup.label}, run ${i + 1}: ${test.name}: ${test.passed ? 'passed' : 'failed'}\n\n  \`\`\`\n${test.message.replace(/^/gm, '  ')}\n  \`\`\``)
      const { block, baseline, candidate } = test.record ?? {}
      if (test.record) wrong.push(`  growth: ${JSON.stringify({ block: block?.growth, baseline: baseline?.growth, candidate: candidate?.growth })}`)
    }
    process.stderr.write(`${setup.name}: run ${i + 1}/${runs}, ${seconds(result.wallMs)}, load ${result.load.toFixed(1)}\n`)
    if (process.env.COVERAGE_OUT) writeFileSync(process.env.COVERAGE_OUT, markdown([...rows, ...rowsOf(setup, results)]) + '\n')
  }
  rows.push(...rowsOf(setup, results))
}

console.log(markdown())
process.exitCode = wrong.length > 0 ? 1 : 0
