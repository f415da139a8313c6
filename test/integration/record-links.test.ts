import { spawn } from 'node:child_process'
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { loadBudgetFile } from '../../src/budgets/load-budget-file.ts'
import { copySuite, type SuiteCopy } from '../helpers/copy-suite.ts'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// `vitest -u` on a budget file that is a symbolic link (a file shared between projects, kept in a
// config repository): real Vitest runs on copies of fixtures/suites/record-single whose
// memory-budgets.json is a link to a file in another folder.

/** The repository's own CI may set CI: recording runs must not inherit it. */
const LOCAL = { CI: undefined }
const PASSED = { 'a budget the block breaks': 'passed', 'a budget the file lacks': 'passed', 'a leak check': 'passed' }

/** The pid of a process that has certainly exited: a child spawned and waited for. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}

/** What -u must have written into the real file: the broken limit raised, the missing budget added, the rest as it was. */
function expectRecorded(real: string, before: string) {
  const after = readFileSync(real, 'utf8')
  const budgets = loadBudgetFile(real).budgets
  expect(Object.keys(budgets)).toEqual(['cache', 'missing'])
  // 100 kB held by the candidate + 25%, rounded up.
  expect(after).toMatch(/"cache": \{ "retained": "1[23]\d kB" \}/)
  expect(after.split('\n').slice(0, 3)).toEqual(before.split('\n').slice(0, 3)) // $schema and defaults, byte for byte
}

describe('vitest -u through a symbolic link', () => {
  let suite: SuiteCopy
  let shared: string
  let link: string
  beforeEach(() => {
    suite = copySuite('record-single')
    shared = mkdtempSync(path.join(os.tmpdir(), 'vmb-shared-'))
    link = path.join(suite.root, 'memory-budgets.json')
  })
  afterEach(() => {
    suite.remove()
    rmSync(shared, { recursive: true, force: true })
  })

  test("the link stays a link and the file it leads to is updated, mode kept; a dead writer's temporary file is removed, a live one's kept", async () => {
    const real = path.join(shared, 'budgets.json')
    renameSync(link, real)
    symlinkSync(real, link)
    chmodSync(real, 0o664)
    const before = readFileSync(real, 'utf8')
    // A writer killed mid-write left its temporary file; another, still writing, has one too.
    const killed = `.budgets.json.${await deadPid()}.0a1b2c3d.tmp`
    const writing = `.budgets.json.${process.pid}.0a1b2c3d.tmp`
    for (const name of [killed, writing]) writeFileSync(path.join(shared, name), '{ "budgets": { "cac')

    const run = await runSuite(suite.root, { update: true, mainEnv: LOCAL })
    expect(run.states, whyOf(run)).toEqual(PASSED)
    expect(run.output).toMatch(/ {3}changed {4}"cache" {4}retained 1 kB -> 1[23]\d kB\n/)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe(real)
    expectRecorded(real, before)
    expect(statSync(real).mode & 0o777).toBe(0o664)
    // Beside the real file: no lock, no temporary file of this run, the killed writer's gone, the live one's kept.
    expect(readdirSync(shared).sort()).toEqual([writing, 'budgets.json'].sort())
    expect(readdirSync(suite.root).filter((name) => name.startsWith('.'))).toEqual([])
  })

  test('a chain of relative links: each stays as it was, the last file is updated', async () => {
    // memory-budgets.json -> budgets/current.json -> ../../vmb-shared-…/v2.json
    const real = path.join(shared, 'v2.json')
    renameSync(link, real)
    mkdirSync(path.join(suite.root, 'budgets'))
    const middle = path.join(suite.root, 'budgets/current.json')
    const middleText = path.join('../..', path.basename(shared), 'v2.json')
    symlinkSync(middleText, middle)
    symlinkSync('budgets/current.json', link)
    const before = readFileSync(real, 'utf8')

    const run = await runSuite(suite.root, { update: true, mainEnv: LOCAL })
    expect(run.states, whyOf(run)).toEqual(PASSED)
    expect(readlinkSync(link)).toBe('budgets/current.json')
    expect(readlinkSync(middle)).toBe(middleText)
    expectRecorded(real, before)
    expect(readdirSync(shared)).toEqual(['v2.json'])
    expect(readdirSync(path.join(suite.root, 'budgets'))).toEqual(['current.json'])
  })
})
