import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// The heap snapshot folders (`vitest-memory-budget-<pid>-XXXXXX`, ~30 MB a check) never outlive
// their check: real Vitest runs of fixtures/suites/snapshot-folders, each with a temp folder of its
// own, so that what is asserted is that run's folders only.

const PREFIX = 'vitest-memory-budget-'
const ours = (dir: string) => readdirSync(dir).filter((name) => name.startsWith(PREFIX)).sort()

/** The pid of a process that has certainly exited: a child spawned and waited for. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}

/** A snapshot folder as a run leaves it, with a snapshot in it. */
function leftFolder(tmp: string, name: string): void {
  mkdirSync(path.join(tmp, name))
  writeFileSync(path.join(tmp, name, 'start.heapsnapshot'), '{"snapshot":{}}')
}

let tmp: string
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vmb-tmpdir-'))
})
afterEach(() => rmSync(tmp, { recursive: true, force: true }))

describe('a check abandoned because its block never settles', () => {
  test("has its snapshot folder removed when the guard gives up on it, though its finally never runs", async () => {
    const run = await runSuite('snapshot-folders', { files: ['hang.test.ts'], env: { TMPDIR: tmp } })
    expect(run.states, whyOf(run)).toEqual({ 'a block that never settles': 'failed' })
    expect(run.errors['a block that never settles']).toContain(
      'expect(block).toStayWithinMemoryBudget("quick") was still measuring when the test timed out: in baseline cycle 2 of 5 ({ enabled: false, cycle: 1 }), whose block\'s promise had not settled.',
    )
    // While the block hung, the check's folder was there, in this run's temp folder, with its first snapshot.
    const seen = JSON.parse(readFileSync(path.join(tmp, 'seen-while-hanging.json'), 'utf8')) as Array<{ name: string; files: string[] }>
    expect(seen).toEqual([{ name: expect.stringMatching(/^vitest-memory-budget-\d+-[A-Za-z0-9]{6}$/), files: ['start.heapsnapshot'] }])
    expect(ours(tmp)).toEqual([])
  })
})

describe('folders left by processes that were killed', () => {
  test("are removed by a worker's first check; a live process's folder and other names are kept", async () => {
    const dead = await deadPid()
    const killed = `${PREFIX}${dead}-aB3dE9`
    // This test's process is alive: a run in progress elsewhere, whose folder must stay.
    const live = `${PREFIX}${process.pid}-Zz09aa`
    const others = [`${PREFIX}aB3dE9`, `vmb-${dead}-aB3dE9`]
    for (const name of [killed, live, ...others]) leftFolder(tmp, name)
    // TMPDIR for the workers only: the main process's sweep looks at its own temp folder.
    const run = await runSuite('snapshot-folders', { files: ['check.test.ts'], env: { TMPDIR: tmp } })
    expect(run.states, whyOf(run)).toEqual({ 'a budget check': 'passed' })
    expect(readdirSync(tmp).sort()).toEqual([live, ...others].sort())
  })

  test('are removed by the main process when the run starts, even when no check takes a snapshot', async () => {
    const dead = await deadPid()
    const killed = `${PREFIX}${dead}-aB3dE9`
    const live = `${PREFIX}${process.pid}-Zz09aa`
    for (const name of [killed, live]) leftFolder(tmp, name)
    const run = await runSuite('snapshot-folders', { files: ['nothing.test.ts'], mainEnv: { TMPDIR: tmp } })
    expect(run.states, whyOf(run)).toEqual({ 'no memory check': 'passed' })
    expect(ours(tmp)).toEqual([live])
  })
})
