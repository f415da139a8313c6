// node bench/allocations.ts: accuracy and cost of the allocation pass (src/engine/allocations) on
// the allocation fixtures, each run in a fresh process (bench/allocations-once.ts). Prints a
// markdown table. Not part of the tests. BENCH_RUNS=n for fewer runs, BENCH_INTERVAL=bytes to try
// another sampling interval, BENCH_PARALLEL=2 to run two at a time (timings then suffer).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { allocationFixtures, type AllocationFixture } from '../fixtures/blocks/allocations.ts'
import { DEFAULT_SAMPLING_INTERVAL } from '../src/engine/allocations/index.ts'
import type { AllocationRun } from './allocations-once.ts'
import { median, pool } from './pool.ts'

const run = promisify(execFile)
const RUNS = Number(process.env.BENCH_RUNS ?? 20)
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 1)
const INTERVAL = process.env.BENCH_INTERVAL

async function runOnce(fixture: AllocationFixture): Promise<AllocationRun> {
  const args = ['bench/allocations-once.ts', fixture.name, ...(INTERVAL ? [INTERVAL] : [])]
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop()!) as AllocationRun
}


const size = (bytes: number): string =>
  Math.abs(bytes) >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`
const signed = (value: number, digits = 1): string => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`
const errorPercent = (measured: number, truth: number): number => (100 * (measured - truth)) / truth
const percent = (share: number): string => `${(100 * share).toFixed(1)}%`

const jobs = allocationFixtures.flatMap((fixture) => Array.from({ length: RUNS }, () => fixture))
const started = performance.now()
process.stderr.write(`${jobs.length} runs of ${allocationFixtures.length} fixtures, ${PARALLEL} at a time `)
const results = await pool(jobs, PARALLEL, runOnce)
process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(0)} s\n`)

const rows: string[] = []
allocationFixtures.forEach((fixture, i) => {
  const runs = results.slice(i * RUNS, (i + 1) * RUNS)
  const { baselinePerCycle: bTruth, candidatePerCycle: cTruth, extraSite, extraPeak } = fixture.allocation
  // Relative errors per variant; a variant that allocates (almost) nothing has no relative error.
  const errors = runs.flatMap((r) => [
    ...(bTruth > 0 ? [errorPercent(r.baselinePerCycle, bTruth)] : []),
    ...(cTruth > 0 ? [errorPercent(r.candidatePerCycle, cTruth)] : []),
  ])
  const worst = errors.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0)
  const medianOf = (pick: (r: AllocationRun) => number, truth: number) =>
    truth > 0 ? `${size(median(runs.map(pick)))} (${signed(errorPercent(median(runs.map(pick)), truth))}%)` : size(median(runs.map(pick)))
  const topSites = new Set(runs.map((r) => r.topSite.split(' ')[0]))
  const site = extraSite
    ? `${[...topSites].join(', ')}: median ${percent(median(runs.map((r) => r.topShare)))}, min ${percent(Math.min(...runs.map((r) => r.topShare)))}`
    : 'no extra (noise only)'
  const direct = extraSite
    ? `median ${percent(median(runs.map((r) => r.directShare)))}, min ${percent(Math.min(...runs.map((r) => r.directShare)))}`
    : '-'
  const peaks = runs.map((r) => r.extraPeak)
  const halfWidth = median(runs.map((r) => r.extraPeakUncertainty))
  const peak = `${size(extraPeak)}: median ${signed((median(peaks) - extraPeak) / 1024, 0)} KB, ${signed((Math.min(...peaks) - extraPeak) / 1024, 0)}..${signed((Math.max(...peaks) - extraPeak) / 1024, 0)} KB; ± ${(halfWidth / 1024).toFixed(1)} KB`
  const slowdown = median(runs.map((r) => r.sampledCyclesMs / r.plainCyclesMs))
  const time = `${Math.round(median(runs.map((r) => r.allocationMs)))} ms (${Math.round(median(runs.map((r) => r.retainedMs)))} ms retained); cycles x${slowdown.toFixed(2)}`
  rows.push(
    `| ${fixture.name} | ${size(bTruth)} / ${size(cTruth)} | ${medianOf((r) => r.baselinePerCycle, bTruth)} / ${medianOf((r) => r.candidatePerCycle, cTruth)} | ${signed(worst)}% | ${site} | ${direct} | ${peak} | ${time} |`,
  )
})

console.log(`Allocation pass, ${RUNS} fresh processes per fixture, interval ${INTERVAL ?? DEFAULT_SAMPLING_INTERVAL} B, 20 cycles a variant after 20+ warm-up, Node ${process.version}.

| fixture | truth a cycle (baseline / candidate) | median measured (error) | worst single-run error | top extra site: share | direct share (glob: the extra site's folder/**) | extra peak (typical cycle): live truth, median and range vs truth; median ± of its 95% interval | time: allocation pass (the retained pass it adds to); sampled cycles vs unsampled |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}`)
