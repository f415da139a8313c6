import path from 'node:path'
import { Writable } from 'node:stream'
import { startVitest } from 'vitest/node'
import type { CheckRecord } from '../src/reporting/check-record.ts'

const KINDS = ['budget check', 'budget check reading snapshots (objects)', 'toLeakMemory']

/**
 * Times checks of a 1 ms block inside a real Vitest worker (forks and threads): the figure users
 * see, with Vitest's own heap in the worker and its GCs to pay for. The split comes from the
 * check's own record: cycles (with snapshot writing), snapshot writing, snapshot analysis.
 */
export async function measureInVitest(runs: number): Promise<string> {
  process.env.BENCH_SPEED_RUNS = String(runs)
  const lines = [
    '| pool | check | runs | test wall (median) | slowest | cycles incl. snapshots | snapshot writing | analysis |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ]
  for (const pool of ['forks', 'threads'] as const) {
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() })
    const vitest = await startVitest([], { root: path.resolve('bench/vitest-suite'), pool, watch: false }, {}, { stdout: quiet, stderr: quiet })
    const tests = vitest.state.getTestModules().flatMap((module) => [...module.children.allTests()])
    for (const kind of KINDS) {
      const mine = tests.filter((test) => test.name.startsWith(`${kind}, run`))
      const failed = mine.filter((test) => test.result().state !== 'passed').length
      const walls = mine.map((test) => test.diagnostic()?.duration ?? NaN)
      const records = mine.flatMap((test) => (test.meta().memoryBudget ?? []) as CheckRecord[])
      const split = (pick: (record: CheckRecord) => number) => `${Math.round(median(records.map(pick)))} ms`
      lines.push(
        `| ${pool} | ${kind} | ${mine.length}${failed ? ` (${failed} FAILED)` : ''} | ${Math.round(median(walls))} ms | ${Math.round(Math.max(...walls))} ms | ` +
          `${split((r) => r.timings.measureMs)} | ${split((r) => r.timings.snapshotsMs)} | ${split((r) => r.timings.analysisMs)} |`,
      )
    }
    await vitest.close()
  }
  return lines.join('\n')
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[sorted.length >> 1]!
}
