// npm run bench:relative (node bench/relative-limits.ts after a build): issue 16's bar for relative limits. A candidate allocating 5% more
// than its baseline (fixtures/suites/relative-limits) must fail "allocated": "2%" and pass
// "allocated": "10%" in every run. Each run is a fresh Vitest process on the fixture suite (both
// checks); prints the pass/fail counts and the spread of the measured extra. RELATIVE_RUNS sets the
// number of runs (default 20). Needs `npm run build` first: the suite loads the built plugin.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { formatRate } from '../src/budgets/sizes.ts'
import type { MemoryReport } from '../src/reporting/report-model.ts'

const RUNS = Number(process.env.RELATIVE_RUNS ?? 20)
const root = path.resolve(import.meta.dirname, '..')
const suite = path.join(root, 'fixtures/suites/relative-limits')
const expected: Record<string, 'within' | 'over'> = { 'five-percent-tight': 'over', 'five-percent-roomy': 'within' }
const run = promisify(execFile)

interface Tally {
  asExpected: number
  runs: number
  extraShares: number[]
  limits: number[]
}
const tallies: Record<string, Tally> = Object.fromEntries(Object.keys(expected).map((name) => [name, { asExpected: 0, runs: 0, extraShares: [], limits: [] }]))
const started = performance.now()

for (let i = 1; i <= RUNS; i++) {
  const args = [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', suite, '--testNamePattern', 'allocation than the baseline (breaks|fits) "allocated"']
  // The suite's checks fail on purpose: a non-zero exit is expected, the report says what happened.
  await run(process.execPath, args, { cwd: suite, env: { ...process.env, CI: '' }, maxBuffer: 64 * 1024 * 1024 }).catch(() => undefined)
  const report = JSON.parse(readFileSync(path.join(suite, 'memory-report/memory-report.json'), 'utf8')) as MemoryReport
  const line: string[] = []
  for (const check of report.checks) {
    const tally = check.budget === undefined ? undefined : tallies[check.budget]
    if (!tally) continue
    const finding = check.findings.find((f) => f.key === 'allocated')
    tally.runs++
    if (check.verdict === expected[check.budget!]) tally.asExpected++
    if (finding?.relative) {
      tally.extraShares.push((finding.measured / finding.relative.baseline) * 100)
      tally.limits.push(finding.limit)
    }
    line.push(`${check.budget} ${check.verdict} (${finding ? `${formatRate(finding.measured)}, ${((finding.measured / finding.relative!.baseline) * 100).toFixed(2)}% of the baseline; limit ${formatRate(finding.limit)}` : 'no finding'})`)
  }
  console.log(`run ${i}: ${line.join('; ')}`)
}

console.log(`\n${RUNS} runs in ${((performance.now() - started) / 1000).toFixed(0)} s, load ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`)
for (const [budget, tally] of Object.entries(tallies)) {
  const shares = [...tally.extraShares].sort((a, b) => a - b)
  const spread = shares.length ? `extra ${shares[0]!.toFixed(2)}% to ${shares.at(-1)!.toFixed(2)}% of the baseline (median ${shares[shares.length >> 1]!.toFixed(2)}%)` : 'no figures'
  console.log(`${budget}: ${expected[budget]} as expected in ${tally.asExpected} of ${tally.runs} runs; ${spread}`)
}
