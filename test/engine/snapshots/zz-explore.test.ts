// TEMPORARY exploration harness (deleted before hand-off)
import v8 from 'node:v8'
import { test } from 'vitest'
import { fixtureByName } from '../../../fixtures/blocks/index.ts'
import { createHeapProbe } from '../../../src/engine/heap-probe.ts'
import { settle } from '../../../src/engine/settle.ts'

const names = (process.env.EXPLORE ?? 'clean-garbage,leak-array-1kb').split(',')
test('write snapshots', async () => {
  const probe = createHeapProbe()
  for (const name of names) {
    const [fname, mode] = name.split(':')
    const block = fixtureByName(fname!).create()
    let cycle = 0
    for (let i = 0; i < 20; i++) { await block({ enabled: false, cycle: cycle++ }); await settle(); probe.gc() }
    await settle(); probe.gc()
    let t = performance.now()
    v8.writeHeapSnapshot(`/tmp/hs/${name}-0.heapsnapshot`)
    const w0 = performance.now() - t
    for (let i = 0; i < 10; i++) { await block({ enabled: mode === 'cand', cycle: cycle++ }); await settle(); probe.gc() }
    await settle(); probe.gc()
    t = performance.now()
    v8.writeHeapSnapshot(`/tmp/hs/${name}-1.heapsnapshot`)
    console.log(name, 'write ms', w0.toFixed(0), (performance.now() - t).toFixed(0), 'heap', v8.getHeapStatistics().used_heap_size)
    block.dispose?.()
  }
})
