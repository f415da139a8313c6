import path from 'node:path'
import { Writable } from 'node:stream'
import { startVitest } from 'vitest/node'

/**
 * Times default checks of a 1 ms block inside a real Vitest worker (forks and threads): the figure
 * users see, with Vitest's own heap in the worker and its GCs to pay for.
 */
export async function measureInVitest(runs: number): Promise<string> {
  process.env.BENCH_SPEED_RUNS = String(runs)
  const lines = ['| pool | runs | wall per check (median) | slowest |', '| --- | --- | --- | --- |']
  for (const pool of ['forks', 'threads'] as const) {
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() })
    const vitest = await startVitest([], { root: path.resolve('bench/vitest-suite'), pool, watch: false }, {}, { stdout: quiet, stderr: quiet })
    const durations = vitest.state.getFiles().flatMap((file) => file.tasks.map((task) => task.result?.duration ?? NaN))
    const failed = vitest.state.getFiles().some((file) => file.result?.state === 'fail')
    await vitest.close()
    const sorted = durations.sort((a, b) => a - b)
    lines.push(`| ${pool} | ${sorted.length}${failed ? ' (FAILED)' : ''} | ${Math.round(sorted[sorted.length >> 1]!)} ms | ${Math.round(sorted[sorted.length - 1]!)} ms |`)
  }
  return lines.join('\n')
}
