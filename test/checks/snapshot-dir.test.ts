import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { describe, expect, test } from 'vitest'
import { removeDeadSnapshotFolders } from '../../src/checks/snapshot-folders.ts'
import { inSnapshotDir, removeAbandonedFolder } from '../../src/checks/snapshot-run.ts'
import { CheckAborted, CheckProgress } from '../../src/engine/progress.ts'
import { analyseInThread } from '../../src/engine/snapshots/analyse-in-thread.ts'

const GONE = /^vitest-memory-budget: the heap snapshot \/.+\/vitest-memory-budget-\d+-\w+\/\w+\.heapsnapshot is gone: its temporary folder .+ was removed while the check ran, by something outside the plugin/

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

describe("the check's folder", () => {
  test('is named after this process, registered on the progress while the check runs, and removed after', async () => {
    const progress = new CheckProgress()
    let seen: string | undefined
    await inSnapshotDir(async (dir) => {
      seen = dir
      expect(path.dirname(dir)).toBe(os.tmpdir())
      expect(path.basename(dir)).toMatch(new RegExp(`^vitest-memory-budget-${process.pid}-[A-Za-z0-9]{6}$`))
      expect(progress.snapshotDir).toBe(dir)
    }, progress)
    expect(existsSync(seen!)).toBe(false)
    expect(progress.snapshotDir).toBeUndefined()
  })

  test('of a check that never ends is removed by removeAbandonedFolder; a later failure for want of it is an abort', async () => {
    const progress = new CheckProgress()
    let resume = () => {}
    const paused = new Promise<void>((resolve) => (resume = resolve))
    let dir = ''
    const check = inSnapshotDir(async (folder) => {
      dir = folder
      writeFileSync(path.join(folder, 'start.heapsnapshot'), 'x')
      await paused
      v8.writeHeapSnapshot(path.join(folder, 'end.heapsnapshot'))
    }, progress)
    await new Promise((resolve) => setImmediate(resolve))
    progress.aborted = true
    removeAbandonedFolder(progress)
    expect(existsSync(dir)).toBe(false)
    expect(progress.snapshotDir).toBeUndefined()
    resume()
    await expect(check).rejects.toBeInstanceOf(CheckAborted)
  })
})

describe('removeDeadSnapshotFolders', () => {
  test("removes our folders whose process is dead, and nothing else: a live process's, others' names, files", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'vmb-sweep-'))
    try {
      const dead = await deadPid()
      const names = {
        dead: `vitest-memory-budget-${dead}-aB3dE9`,
        live: `vitest-memory-budget-${process.pid}-Zz09aa`,
        oldForm: 'vitest-memory-budget-aB3dE9',
        otherPrefix: `vmb-${dead}-aB3dE9`,
        longerSuffix: `vitest-memory-budget-${dead}-aB3dE9x`,
      }
      for (const name of Object.values(names)) {
        mkdirSync(path.join(tmp, name))
        writeFileSync(path.join(tmp, name, 'start.heapsnapshot'), 'x')
      }
      expect(removeDeadSnapshotFolders(tmp)).toEqual([names.dead])
      expect(readdirSync(tmp).sort()).toEqual([names.live, names.oldForm, names.otherPrefix, names.longerSuffix].sort())
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  })

  test('a temp folder that cannot be read removes nothing and does not throw', () => {
    expect(removeDeadSnapshotFolders(path.join(os.tmpdir(), 'vmb-no-such-folder'))).toEqual([])
  })
})

/** The pid of a process that has certainly exited: a child spawned and waited for. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}
