// npm run bench:browser: memory checks in browser mode (issue 15), on fixtures of known truth in
// bench/browser-suite, each run many times in one Chromium page: how often each is caught or passed,
// whether the message names the leak (by element, or by the DOM count that grew), and what a check
// costs. BENCH_BROWSER_RUNS=<leaks>,<clean> (default 20,50). Prints a markdown table for bench/RESULTS.md.
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { startVitest } from 'vitest/node'
import type { CheckRecord } from '../src/reporting/check-record.ts'

interface Row {
  runs: number
  failed: number
  named: Map<string, number>
  durations: number[]
  /** Extra bytes allocated per cycle, for checks that sampled allocation. */
  allocated: number[]
}

const root = path.resolve('bench/browser-suite')
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() })
const loadBefore = os.loadavg()[0]!
const started = performance.now()
const vitest = await startVitest([], { root, watch: false }, {}, { stdout: quiet, stderr: quiet })
const loadAfter = os.loadavg()[0]!
const rows = new Map<string, Row>()
let browser = ''
for (const module of vitest.state.getTestModules()) {
  for (const test of module.children.allTests()) {
    const fixture = test.name.replace(/ #\d+$/, '')
    const row: Row = rows.get(fixture) ?? { runs: 0, failed: 0, named: new Map(), durations: [], allocated: [] }
    rows.set(fixture, row)
    row.runs++
    if (test.result().state === 'failed') row.failed++
    const record = ((test.meta() as { memoryBudget?: CheckRecord[] }).memoryBudget ?? [])[0]
    if (!record) continue
    browser = record.browser ?? browser
    row.durations.push(record.durationMs)
    if (record.allocations) row.allocated.push(record.allocations.extraBytesPerCycle)
    for (const name of namesOf(record)) row.named.set(name, (row.named.get(name) ?? 0) + 1)
  }
}
await vitest.close()

/** What a failing check named: the counts that grew, and its top group of objects; or the top site of its extra allocation. */
function namesOf(record: CheckRecord): string[] {
  const site = record.allocations?.sites[0]
  if (site) return [site.file ? `${site.functionName} (${site.file}:${site.line})` : site.functionName]
  if (record.pass) return []
  const counts = record.findings.filter((finding) => finding.key === 'countLeak' && finding.over).map((finding) => finding.counted!.name)
  const top = (record.block ?? record.candidate)?.objects?.groups[0]
  return [...counts, ...(top ? [`${top.name}`] : [])]
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
console.log(`\n${browser}, ${os.availableParallelism()} cores, load ${loadBefore.toFixed(1)} before / ${loadAfter.toFixed(1)} after, ${((performance.now() - started) / 60_000).toFixed(1)} min\n`)
console.log('| fixture | runs | failed | named (runs) | extra allocated a cycle, median (min-max) | check time, median | p90 |')
console.log('| --- | --- | --- | --- | --- | --- | --- |')
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`
for (const [fixture, row] of rows) {
  const named = [...row.named].map(([name, count]) => `${name} (${count})`).join(', ') || '-'
  const allocated = row.allocated.length ? `${kB(quantile(row.allocated, 0.5))} (${kB(Math.min(...row.allocated))}-${kB(Math.max(...row.allocated))})` : '-'
  console.log(`| ${fixture} | ${row.runs} | ${row.failed} | ${named} | ${allocated} | ${seconds(quantile(row.durations, 0.5))} | ${seconds(quantile(row.durations, 0.9))} |`)
}
