// npm run bench:snapshot-read: what reading heap snapshots costs, by heap size (issue 14: objects
// evidence up to 500 MB heaps, the analysis' peak memory at most twice the snapshot file). For each
// size a child process grows its heap as bench/speed-suite/ballast.ts does and writes two snapshots
// (the second after a small leak); then, each in a fresh process, one JSON.parse of the file (how
// this project read snapshots before) and the streaming reader are timed, and the analysis of the
// pair (the diff, names and retainer paths, as a failing check runs it) too, with each process's
// peak RSS beyond what it held before it started reading. BENCH_SNAPSHOT_HEAPS=13,50,100,200,500
// sets the sizes in MB. Prints a markdown table for bench/RESULTS.md.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { formatSize } from '../src/budgets/sizes.ts'

const [role, ...args] = process.argv.slice(2)

if (role === 'write') await write(args[0]!, Number(args[1]))
else if (role === 'read') await read(args[0]! as Reader, args.slice(1))
else await main()

type Reader = 'json' | 'stream' | 'analysis'

/** Child: a heap of `mb` MB of small records, a snapshot, 200 records more kept, a second snapshot. */
async function write(dir: string, mb: number): Promise<void> {
  const v8 = await import('node:v8')
  const gc = (globalThis as { gc?: () => void }).gc!
  const kept: object[][] = []
  ;(globalThis as { ballast?: unknown }).ballast = kept
  gc()
  while (process.memoryUsage().heapUsed < mb * 1e6) {
    const chunk = new Array<object>(10_000)
    for (let i = 0; i < chunk.length; i++) chunk[i] = { id: i, name: `record ${kept.length}:${i}`, tags: [i, i + 1] }
    kept.push(chunk)
    if (kept.length % 50 === 0) gc()
  }
  class Leaked {
    payload = 'kept '.repeat(8)
  }
  gc()
  const heap = process.memoryUsage().heapUsed
  const rss = process.memoryUsage().rss
  const started = performance.now()
  v8.writeHeapSnapshot(path.join(dir, 'before.heapsnapshot'))
  const writeMs = performance.now() - started
  const leaked = Array.from({ length: 200 }, () => new Leaked())
  ;(globalThis as { leaked?: unknown }).leaked = leaked
  gc()
  v8.writeHeapSnapshot(path.join(dir, 'after.heapsnapshot'))
  process.stdout.write(JSON.stringify({ heap, writeMs, writeRss: process.resourceUsage().maxRSS * 1024 - rss }) + '\n')
}

/** Child: reads the snapshots one way; prints its time and the peak RSS it added (the modules loaded first). */
async function read(reader: Reader, files: string[]): Promise<void> {
  const { readHeapGraph } = await import('../src/engine/snapshots/heap-graph.ts')
  const { analyse } = await import('../src/engine/snapshots/analyse.ts')
  const before = process.memoryUsage().rss
  const started = performance.now()
  if (reader === 'json') {
    // How the project read a snapshot before the streaming reader: the file as one string, one JSON.parse.
    const json = JSON.parse(readFileSync(files[0]!, 'utf8')) as { nodes: number[] }
    if (json.nodes.length === 0) throw new Error('empty')
  } else if (reader === 'stream') {
    if (readHeapGraph(files[0]!).nodeCount === 0) throw new Error('empty')
  } else {
    const result = analyse({ phases: [{ name: 'block', before: files[0]!, after: files[1]! }], explain: true })
    if (result.phases[0]!.groups.length === 0) throw new Error('the leak was not found')
  }
  const peak = process.resourceUsage().maxRSS * 1024
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, addedRss: peak - before }) + '\n')
}

async function main(): Promise<void> {
  const heaps = (process.env.BENCH_SNAPSHOT_HEAPS ?? '13,50,100').split(',').map(Number)
  const node = process.execPath
  const self = path.resolve('bench/snapshot-read.ts')
  const rows = [
    '| heap | snapshot file | writing it: time / peak RSS of the writer over its heap | one JSON.parse: time / peak RSS added | streamed: time / peak RSS added | analysis of the pair: time / peak RSS added (x file) |',
    '| --- | --- | --- | --- | --- | --- |',
  ]
  const loads: number[] = [os.loadavg()[0]!]
  for (const mb of heaps) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'snapshot-read-'))
    try {
      const written = JSON.parse(execFileSync(node, ['--expose-gc', '--max-old-space-size=8192', self, 'write', dir, String(mb)], { encoding: 'utf8' })) as { heap: number; writeMs: number; writeRss: number }
      const files = [path.join(dir, 'before.heapsnapshot'), path.join(dir, 'after.heapsnapshot')]
      const size = statSync(files[0]!).size
      const run = (reader: Reader) => {
        try {
          return JSON.parse(execFileSync(node, ['--max-old-space-size=16384', self, 'read', reader, ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as { ms: number; addedRss: number }
        } catch (error) {
          return { failed: String((error as { stderr?: string }).stderr ?? error).split('\n').find((line) => /Error/.test(line)) ?? 'failed' }
        }
      }
      const cell = (result: ReturnType<typeof run>, ratio = false) =>
        'failed' in result ? `failed: ${result.failed}` : `${(result.ms / 1000).toFixed(2)} s / ${formatSize(result.addedRss)}${ratio ? ` (${(result.addedRss / size).toFixed(2)}x)` : ''}`
      rows.push(`| ${formatSize(written.heap)} | ${formatSize(size)} | ${(written.writeMs / 1000).toFixed(1)} s / ${formatSize(written.writeRss)} | ${cell(run('json'))} | ${cell(run('stream'))} | ${cell(run('analysis'), true)} |`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    loads.push(os.loadavg()[0]!)
  }
  process.stdout.write(
    [
      `Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${new Date().toISOString().slice(0, 10)}; load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}.`,
      '',
      ...rows,
      '',
    ].join('\n'),
  )
}
