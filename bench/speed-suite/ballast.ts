// Grows the worker's heap to BENCH_HEAP_MB with what a real suite's heap holds: many small objects
// and strings (a user's modules, their dependencies), which is what full GCs and heap snapshots
// pay for, rather than one large array V8 can skip over.
import v8 from 'node:v8'
import vm from 'node:vm'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

const target = Number(process.env.BENCH_HEAP_MB ?? 0) * 1e6
const kept: object[][] = []
;(globalThis as { __benchBallast?: object }).__benchBallast = kept
gc()
while (process.memoryUsage().heapUsed < target) {
  // About 1 MB a chunk: 10,000 records of an object, a short string and a small array.
  const chunk = new Array<object>(10_000)
  for (let i = 0; i < chunk.length; i++) chunk[i] = { id: i, name: `record ${kept.length}:${i}`, tags: [i, i + 1] }
  kept.push(chunk)
  if (kept.length % 50 === 0) gc()
}
gc()
