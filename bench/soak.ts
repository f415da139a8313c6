// npm run bench:soak: the clean fixtures and the example suite, SOAK_RUNS times (default 200) in each
// pool, in real Vitest runs with files in parallel. Every clean check is a false positive if it
// fails; the example's checks must pass as `npm run example` does. Prints the failure count and the
// spread of every figure per pool, and writes them to bench/SOAK.md. SOAK_POOLS=forks,threads to narrow;
// SOAK_POOLS=forks:200,vmThreads:50 sets the runs per pool.
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import { startVitest, type TestCase } from 'vitest/node'
import { formatRate, formatSize } from '../src/budgets/sizes.ts'
import type { CheckRecord } from '../src/reporting/check-record.ts'

const RUNS = Number(process.env.SOAK_RUNS ?? 200)
const POOLS = (process.env.SOAK_POOLS ?? 'forks,threads,vmForks,vmThreads').split(',').map((entry) => {
  const [pool, runs] = entry.split(':')
  return { pool: pool!, runs: runs === undefined ? RUNS : Number(runs) }
})

interface PoolResult {
  pool: string
  runs: number
  tests: number
  failed: Array<{ name: string; message: string }>
  records: Array<{ group: string; record: CheckRecord }>
  wallMs: number
}

async function soak(pool: string, runs: number): Promise<PoolResult> {
  // The suite's files read it in the workers, which this run starts.
  process.env.SOAK_RUNS = String(runs)
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() })
  const started = performance.now()
  const vitest = await startVitest([], { root: path.resolve('bench/soak-suite'), pool: pool as 'forks', watch: false }, {}, { stdout: quiet, stderr: quiet })
  const tests = vitest.state.getTestModules().flatMap((module) => [...module.children.allTests()])
  const failed = tests
    .filter((test) => test.result().state !== 'passed')
    .map((test) => ({ name: test.name, message: stripVTControlCharacters(test.result().errors?.[0]?.message ?? test.result().state) }))
  const unhandled = vitest.state.getUnhandledErrors()
  await vitest.close()
  if (unhandled.length > 0) failed.push(...unhandled.map((error) => ({ name: '(outside tests)', message: String((error as Error).message ?? error) })))
  return {
    pool,
    runs,
    tests: tests.length,
    failed,
    records: tests.flatMap((test) => (test.meta().memoryBudget ?? []).map((record) => ({ group: groupOf(test), record }))),
    wallMs: performance.now() - started,
  }
}

/** 'clean-garbage leaks nothing, run 17' -> 'clean-garbage leaks nothing'. */
function groupOf(test: TestCase): string {
  return test.name.replace(/, run \d+$/, '')
}

/** The figures a record has, by name, each with how to print it. */
function figures(record: CheckRecord): Array<[string, number, (n: number) => string]> {
  const rate = (n: number) => formatRate(n)
  const out: Array<[string, number, (n: number) => string]> = []
  if (record.block) out.push(['leak/cycle', record.block.growth.perCycle, rate])
  if (record.retained) out.push(['retained', record.retained.bytes, formatSize])
  if (record.baseline) out.push(['leak/cycle without', record.baseline.growth.perCycle, rate])
  if (record.candidate) out.push(['leak/cycle with', record.candidate.growth.perCycle, rate])
  if (record.candidate?.objects) out.push(['objects held', record.candidate.objects.groups.reduce((n, g) => n + g.count, 0), String])
  if (record.allocations) {
    out.push(['allocated/cycle', record.allocations.extraBytesPerCycle, formatSize])
    if (record.allocations.extraPeak !== undefined) out.push(['peak', record.allocations.extraPeak, formatSize])
    if (record.allocations.direct) out.push(['direct/cycle', record.allocations.direct.bytesPerCycle, formatSize])
  }
  out.push(['check time', record.durationMs, (n) => `${(n / 1000).toFixed(2)} s`])
  return out
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!
}

function spreadTable(results: PoolResult[]): string {
  const lines = ['| pool | check | figure | runs | min | 5% | median | 95% | max |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
  for (const result of results) {
    const byFigure = new Map<string, { values: number[]; show: (n: number) => string }>()
    for (const { group, record } of result.records) {
      for (const [name, value, show] of figures(record)) {
        const key = `${group}\u0000${name}`
        const entry = byFigure.get(key) ?? { values: [], show }
        entry.values.push(value)
        byFigure.set(key, entry)
      }
    }
    for (const [key, { values, show }] of byFigure) {
      const [group, name] = key.split('\u0000')
      const sorted = [...values].sort((a, b) => a - b)
      const cells = [0, 0.05, 0.5, 0.95, 1].map((q) => show(quantile(sorted, q)))
      lines.push(`| ${result.pool} | ${group} | ${name} | ${values.length} | ${cells.join(' | ')} |`)
    }
  }
  return lines.join('\n')
}

function failureTable(results: PoolResult[]): string {
  const lines = ['| pool | runs | tests | failed | wall time |', '| --- | --- | --- | --- | --- |']
  for (const r of results) lines.push(`| ${r.pool} | ${r.runs} | ${r.tests} | ${r.failed.length} | ${(r.wallMs / 60_000).toFixed(1)} min |`)
  // Each failure whole: its first line says what, the rest which objects and what holds them.
  const failures = results.flatMap((r) => r.failed.map((f) => `- ${r.pool}: ${f.name}:\n\n  \`\`\`\n${f.message.replace(/^/gm, '  ')}\n  \`\`\``))
  return lines.join('\n') + (failures.length ? `\n\nFailures:\n\n${failures.join('\n')}` : '')
}

function markdownOf(results: PoolResult[]): string {
  return [
    '# Soak: the clean fixtures and the example suite, run after run',
    '',
    `Runs per pool as listed (\`npm run bench:soak\`; each run is every check of the suite once), files in parallel workers; Node ${process.versions.node}, ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString().slice(0, 10)}. Every clean check's limits ` +
      'are the truth (0 B retained, 0 B/cycle, no object), so any failure is a false positive.',
    '',
    '## Failures',
    '',
    failureTable(results),
    '',
    '## Spread of every figure',
    '',
    spreadTable(results),
    '',
  ].join('\n')
}

// Written after every pool: a soak takes hours, and a stopped one keeps the pools it finished.
const results: PoolResult[] = []
for (const { pool, runs } of POOLS) {
  console.error(`soak: ${pool}, ${runs} runs...`)
  results.push(await soak(pool, runs))
  console.error(`soak: ${pool}: ${results.at(-1)!.tests} tests, ${results.at(-1)!.failed.length} failed`)
  if (process.env.SOAK_WRITE !== '0') writeFileSync('bench/SOAK.md', markdownOf(results))
}
console.log(markdownOf(results))
process.exitCode = results.some((r) => r.failed.length > 0) ? 1 : 0
