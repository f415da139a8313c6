// npm run bench: accuracy, false positives and speed of the default settings, each run in a fresh
// process. Prints a markdown table and writes it to bench/RESULTS.md, between its markers (the rest of
// the file stays). BENCH_QUICK=1 for a smoke run;
// BENCH_ONLY=<regexp> runs only the fixtures whose names match, at full counts, without the Vitest
// timings, and writes nothing; BENCH_MODE=leak|budget|objects keeps only that mode's runs of them.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { promisify } from 'node:util'
import { formatRate, formatSize } from '../src/budgets/sizes.ts'
import { DEFAULT_CYCLES, DEFAULT_WARMUP } from '../src/budgets/defaults.ts'
import { benchPlan, type PlannedFixture } from './plan.ts'
import { measureInVitest } from './in-vitest.ts'
import { median, pool } from './pool.ts'

const run = promisify(execFile)
const RESULTS = 'bench/RESULTS.md'
const GENERATED_START = '<!-- written by bench/run.ts (npm run bench): everything up to the closing marker -->'
const GENERATED_END = '<!-- end of what bench/run.ts writes; sections below are kept -->'
const quick = process.env.BENCH_QUICK === '1'
const parallel = Math.max(1, Math.min(2, os.availableParallelism()))

interface RunResult {
  flagged: boolean
  leakEstimate: number
  retained?: number
  /** Cycles the candidate ran with the feature on (warm-up and measured): what a per-cycle truth retains over. */
  enabledCycles?: number
  retainedSource?: string
  baselineGroups?: number
  snapshotsRead: boolean
  groups: number
  /** Leak mode: the cycles toLeakMemory measured (up to 3x the asked, while growth was unsettled). */
  measuredCycles?: number
  topGroup: string
  measureMs: number
  analysisMs: number
  wallMs: number
}

async function runOnce(entry: PlannedFixture): Promise<RunResult> {
  const { stdout } = await run(process.execPath, ['bench/measure-once.ts', entry.name, entry.mode], { maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop()!) as RunResult
}


const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`
const signedPercent = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`

/** What heap snapshots showed: the most frequent top group and in how many runs, or runs that read no objects. */
function objectsCell(runs: RunResult[]): string {
  const read = runs.filter((r) => r.snapshotsRead)
  if (read.length === 0) return 'not read'
  const withObjects = read.filter((r) => r.groups > 0 || (r.baselineGroups ?? 0) > 0)
  if (withObjects.length === 0) return `none, in ${read.length} runs read`
  const counts = new Map<string, number>()
  for (const r of withObjects) counts.set(r.topGroup, (counts.get(r.topGroup) ?? 0) + 1)
  const [top, times] = [...counts].sort((a, b) => b[1] - a[1])[0]!
  return `${top || '(baseline only)'} (${times}/${read.length} runs)`
}

const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined
const onlyMode = process.env.BENCH_MODE
const plan = benchPlan(quick).filter((entry) => (!only || only.test(entry.name)) && (!onlyMode || entry.mode === onlyMode))
const started = performance.now()
const jobs = plan.flatMap((entry) => Array.from({ length: entry.runs }, () => entry))
process.stderr.write(`${jobs.length} runs of ${plan.length} fixtures, ${parallel} at a time\n`)
const results = await pool(jobs, parallel, runOnce)

const rows: string[] = []
const summary = { cleanRuns: 0, cleanFailures: 0 }
let offset = 0
for (const entry of plan) {
  const mine = results.slice(offset, offset + entry.runs)
  offset += entry.runs
  const flagged = mine.filter((r) => r.flagged).length
  if (entry.mode === 'leak') {
    const lengths = new Map<number, number>()
    for (const r of mine) lengths.set(r.measuredCycles ?? 0, (lengths.get(r.measuredCycles ?? 0) ?? 0) + 1)
    const cells = [...lengths].sort((a, b) => a[0] - b[0]).map(([cycles, runs]) => `${cycles} in ${runs}`)
    process.stderr.write(`${entry.name}: cycles measured ${cells.join(', ')} (of ${entry.runs} runs)\n`)
  }
  const leakMedian = median(mine.map((r) => r.leakEstimate))
  const leakError = entry.truth.leakPerCycle > 0 ? signedPercent((100 * (leakMedian - entry.truth.leakPerCycle)) / entry.truth.leakPerCycle) : '-'
  let retained = '-'
  if (entry.mode !== 'leak') {
    const values = mine.map((r) => r.retained!)
    // Each run's truth: the candidate's warm-up runs on while V8 compiles, so its length varies.
    const truths = mine.map((r) => entry.truth.retained(r.enabledCycles!))
    const errors = values.map((v, i) => (truths[i]! > 0 ? (v - truths[i]!) / truths[i]! : v))
    const worst = Math.max(...errors.map(Math.abs))
    retained = entry.truth.retains
      ? `${formatSize(median(values))} (${signedPercent(100 * median(errors))}, worst ±${(100 * worst).toFixed(1)}%)`
      : `${formatSize(median(values))} (worst ${formatSize(worst)})`
  }
  // An objects check of a one-time cost must fail: { "*": 0 } against the objects it keeps.
  const mustFail = entry.truth.leaks || (entry.mode === 'objects' && entry.truth.retains)
  if (!mustFail) {
    summary.cleanRuns += entry.runs
    summary.cleanFailures += flagged
  }
  rows.push(`| ${entry.name} | ${entry.mode} | ${entry.runs} | ${entry.truth.leaks ? formatRate(entry.truth.leakPerCycle) : 'clean'} | ` +
    `${mustFail ? 'caught ' + percent(flagged, entry.runs) : 'false pos. ' + percent(flagged, entry.runs)} | ` +
    `${formatRate(leakMedian)} | ${leakError} | ${retained} | ${objectsCell(mine)} | ` +
    `${Math.round(median(mine.map((r) => r.wallMs)))} ms (${Math.round(median(mine.map((r) => r.analysisMs)))}) |`)
}

const vitestTiming = only ? '(not measured: BENCH_ONLY)' : await measureInVitest(quick ? 3 : 10)
// Speed at worker heaps of 12 (a bare worker) to 500 MB, each check beside its floor and a
// hand-rolled check in the same worker (bench/speed.ts), in fresh Vitest runs after the rest.
const heaps = quick ? '0' : '0,50,100,200,500'
const speedTable = only ? '(not measured: BENCH_ONLY)' : (await run(process.execPath, ['bench/speed.ts'], { env: { ...process.env, BENCH_SPEED_HEAPS: heaps }, maxBuffer: 1 << 22 })).stdout
const table = [
  `# Benchmark results`,
  '',
  `Default settings (${DEFAULT_WARMUP} warm-up, ${DEFAULT_CYCLES} cycles per variant), every run in a fresh Node process.`,
  `Node ${process.version}, V8 ${process.versions.v8}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ` +
    `${formatSize(os.totalmem())} RAM, ${new Date().toISOString().slice(0, 10)}. Bench took ${Math.round((performance.now() - started) / 1000)} s.`,
  '',
  '"caught" is the share of runs whose verdict was "leaking" for a fixture that leaks; "false pos." the same for a clean one.',
  'Retained is the candidate\'s overhead over the baseline (one-time plus accumulated) against the truth.',
  '',
  'Checks: "leak" is `toLeakMemory`; "budget" a budget with only the default leak limit; "objects" the same budget',
  'limiting every constructor to 0 new objects, which makes it read heap snapshots. "objects" column: the group',
  'heap snapshots put first (name x count), or "not read" when the check needed no snapshots. Wall time is the',
  'whole check in a fresh process, snapshot analysis (in its thread) in brackets.',
  '',
  '| fixture | check | runs | truth | verdicts | leak estimate (median) | error | retained (median) | objects | wall (median) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  `Clean fixtures: ${summary.cleanFailures} failures in ${summary.cleanRuns} runs.`,
  '',
  '## Wall time of a default check in a Vitest worker',
  '',
  vitestTiming,
  '',
  '## Speed at worker heap sizes (`bench/speed.ts`)',
  '',
  speedTable,
  '',
].join('\n')
process.stdout.write(table)
if (!quick && !only) writeFileSync(RESULTS, withGenerated(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '', table))

/**
 * The results file with its generated part (between the markers) replaced by `generated`: the
 * sections written by hand after other benches and issues stay. A file without markers is the
 * generated part alone.
 */
function withGenerated(file: string, generated: string): string {
  const start = file.indexOf(GENERATED_START)
  const end = file.indexOf(GENERATED_END)
  const block = `${GENERATED_START}\n${generated.trimEnd()}\n${GENERATED_END}`
  if (start < 0 || end < start) return `${block}\n`
  return file.slice(0, start) + block + file.slice(end + GENERATED_END.length)
}
