import { rmSync } from 'node:fs'
import path from 'node:path'
import v8 from 'node:v8'
import { expect, test } from 'vitest'
import { analyseInThread } from '../../src/engine/snapshots/analyse-in-thread.ts'
import { inSnapshotDir } from '../../src/checks/snapshot-run.ts'

const GONE = /^vitest-memory-budget: the heap snapshot \/.+\/vitest-memory-budget-\w+\/\w+\.heapsnapshot is gone: its temporary folder .+ was removed while the check ran, by something outside the plugin/

test('a snapshot folder removed before a snapshot is written: the message says the folder was removed', async () => {
  const check = inSnapshotDir(async (dir) => {
    rmSync(dir, { recursive: true })
    v8.writeHeapSnapshot(path.join(dir, 'start.heapsnapshot'))
  })
  await expect(check).rejects.toThrow(GONE)
})

test('a snapshot folder removed before the snapshots are read: the same message, from the analysis thread', async () => {
  const check = inSnapshotDir(async (dir) => {
    rmSync(dir, { recursive: true })
    await analyseInThread({ phases: [{ name: 'candidate', before: path.join(dir, 'start.heapsnapshot'), after: path.join(dir, 'end.heapsnapshot') }], explain: false })
  })
  await expect(check).rejects.toThrow(GONE)
})

test('other errors pass through as they are', async () => {
  await expect(inSnapshotDir(async () => { throw new TypeError('the block broke') })).rejects.toThrow(/^the block broke$/)
})
