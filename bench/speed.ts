// npm run bench:speed: what a default check costs in a Vitest worker whose heap is small or large
// (issue 14), next to the floor of the same work (the measured cycles, each a call of the block and a
// full GC) and a hand-rolled check (10 cycles, a full GC and heapUsed after each), timed in the same
// worker. One Vitest run (forks) per heap size: bench/speed-suite/ballast.ts grows the worker's heap
// with small objects first. BENCH_SPEED_HEAPS=0,50,100,200,500 sets the sizes in MB (0: a bare
// worker). Prints a markdown table for bench/RESULTS.md.
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { startVitest } from 'vitest/node'
import { formatSize } from '../src/budgets/sizes.ts'
import type { CheckRecord } from '../src/reporting/check-record.ts'

interface Speed {
  floorMs: number
  handRolledMs: number
  checkMs: number
  heapBytes: number
}

const heaps = (process.env.BENCH_SPEED_HEAPS ?? '0,50,100').split(',').map(Number)
const root = path.resolve('bench/speed-suite')
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const times = (ms: number, base: number) => `${(ms / base).toFixed(1)}x`

const lines = [
  '| worker heap | check | check time | floor | x floor | hand-rolled | x hand-rolled | cycles (incl. snapshot writing) / snapshot writing / analysis | skipped |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
]
const loads: number[] = []
const started = performance.now()
for (const heap of heaps) {
  process.env.BENCH_HEAP_MB = String(heap)
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() })
  loads.push(os.loadavg()[0]!)
  const vitest = await startVitest([], { root, watch: false }, {}, { stdout: quiet, stderr: quiet })
  loads.push(os.loadavg()[0]!)
  const tests = vitest.state.getTestModules().flatMap((module) => [...module.children.allTests()])
  for (const test of tests) {
    const speed = (test.meta() as { speed?: Speed }).speed
    const records = (test.meta().memoryBudget ?? []) as CheckRecord[]
    if (!speed || test.result().state !== 'passed') {
      lines.push(`| ${heap} MB | ${test.name} | FAILED: ${test.result().errors?.[0]?.message.split('\n')[0] ?? 'no figures'} | | | | | | |`)
      continue
    }
    const split = records.map((r) => `${seconds(r.timings.measureMs)} / ${seconds(r.timings.snapshotsMs)} / ${seconds(r.timings.analysisMs)}`).join('; ')
    const skipped = records.map((r) => r.skipped).filter(Boolean).join('; ') || '-'
    lines.push(
      `| ${formatSize(speed.heapBytes)} | ${test.name} | ${seconds(speed.checkMs)} | ${seconds(speed.floorMs)} | ${times(speed.checkMs, speed.floorMs)} | ` +
        `${seconds(speed.handRolledMs)} | ${times(speed.checkMs, speed.handRolledMs)} | ${split} | ${skipped} |`,
    )
  }
  await vitest.close()
}

process.stdout.write(
  [
    `Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, forks pool, ${new Date().toISOString().slice(0, 10)}; ` +
      `load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} at the runs' starts and ends; ${Math.round((performance.now() - started) / 1000)} s.`,
    '',
    ...lines,
    '',
  ].join('\n'),
)
// A check that failed is a row of the table; Vitest's exit code for it is not the bench's.
process.exitCode = 0
