import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadBudgetFile } from '../../src/budgets/load-budget-file.ts'
import { copySuite, type SuiteCopy } from '../helpers/copy-suite.ts'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// The catalogue of bad input: every way a memory check can be handed something wrong, what the
// user is told, and what becomes of the budget file (never corrupted, never truncated). One row per
// case. Rows that share a setup share one real Vitest run of a copy of fixtures/suites/bad-input,
// with one test per row, named after the row; the fixture picks the tests from BAD_INPUT.

interface Setup {
  /** The budget file's text in the copy; null: there is no file; undefined: the fixture's own. */
  budgets?: string | null
  /** Run as `vitest -u`. */
  update?: boolean
  /** The main process's environment during the run. */
  mainEnv?: Record<string, string | undefined>
  /** Done to the copy's budget file before the run. */
  prepare?: (file: string) => void
  /** Each row of this setup runs in a Vitest process of its own, all at once (`vitest -u` in two terminals). */
  concurrent?: boolean
}

interface Case {
  name: string
  setup: Setup
  /** The fixture's test body (see fixtures/suites/bad-input/bad-input.test.ts). */
  body: string
  /** 'not run': the test file failed before its tests were collected. */
  state: 'failed' | 'passed' | 'not run'
  /** The test's error messages; `file` is the budget file's absolute path. */
  message?: (file: string) => string | RegExp
  /** What the run printed, for failures outside tests (a setup file, the budget recorder). */
  output?: (file: string) => RegExp
  /** The budget file after the run: byte for byte as before, still absent, or checked by a function. */
  after: 'unchanged' | 'absent' | ((before: string, after: string, file: string) => void)
  /** The exit code of the run, when the rows' states do not say it (recording). */
  exitCode?: number
}

/** The repository's own CI may set CI: recording runs must not inherit it. */
const LOCAL = { CI: undefined }
const SIZE = 'a size such as 600 kB, 1.5 MiB or 512 (bytes)'
const LIMIT = `${SIZE}, a share of the baseline's figure such as "2%", or both as { "most": "600 kB", "share": "2%" }`
const SCHEMA_TIP = 'Add "$schema": "./node_modules/vitest-memory-budget/budget.schema.json" to the file so that your editor checks it as you type.'
const TIMED_OUT = (ms: number, call: string, where: string) =>
  new RegExp(
    `^Test timed out in ${ms}ms\\.\\n[^\\n]*\\n${escape(`${call} was still measuring when the test timed out: in ${where}, whose block's promise had not settled. In its `)}[\\d.]+ s, the block ran [\\d.]+ s \\(\\d+ calls?\\) and the tool [\\d.]+ s \\(full GCs and heap readings between calls, heap snapshots, their analysis\\)\\. ${escape("A block whose promise never settles hangs its check there: look at what that cycle waits for. A block that is only slow needs more time: give the test more time (test('…', fn, 60_000), or testTimeout in the config), or fewer cycles.")}$`,
  )
const CHECK = 'Invalid memory budget file <file>:\n'

/** One setup per budget file: each file needs a run of its own (a second or less: nothing is measured). */
const file = (budgets: string | null): Setup => ({ budgets })
const FIXTURE: Setup = {}
const TWO_AT_ONCE: Setup = { update: true, mainEnv: LOCAL, concurrent: true }

const CASES: Case[] = [
  // The budget file.
  {
    name: 'budget file missing',
    setup: file(null),
    body: 'budget check',
    state: 'failed',
    message: (f) => new RegExp(`^Memory budget file not found: ${escape(f)}\\nCreate it with at least one budget, for example:\\n[^]*\\nOr run vitest -u to record every budget this run checks into a new file\\.$`),
    after: 'absent',
  },
  {
    name: 'budget file is a folder',
    setup: { budgets: null, prepare: (f) => mkdirSync(f) },
    body: 'budget check',
    state: 'failed',
    message: (f) => `Cannot read memory budget file ${f}: EISDIR: illegal operation on a directory, read`,
    after: 'absent',
  },
  {
    name: 'budget file empty',
    setup: file(' \n'),
    body: 'budget check',
    state: 'failed',
    message: (f) => new RegExp(`^Memory budget file is empty: ${escape(f)}\\nGive it at least one budget, for example:\\n\\n\\{\\n`),
    after: 'unchanged',
  },
  {
    name: 'budget file not JSON',
    setup: file('{\n  // budgets\n  "budgets": {}\n}\n'),
    body: 'budget check',
    state: 'failed',
    message: (f) => `Memory budget file is not valid JSON: ${f}:2:3\nExpected property name or '}'\nJSON does not allow comments.`,
    after: 'unchanged',
  },
  {
    name: 'budget file cut short',
    setup: file('{\n  "budgets": {\n    "tiny": { "retained": "1 MB" '),
    body: 'budget check',
    state: 'failed',
    message: (f) => `Memory budget file is not valid JSON: ${f}:3:34\nExpected ',' or '}' after property value`,
    after: 'unchanged',
  },
  {
    name: 'wrong types',
    setup: file('{\n  "budgets": {\n    "tiny": { "cycles": "20", "retained": true, "objects": ["Event"], "sites": { "direct": "src/**" } }\n  }\n}\n'),
    body: 'budget check',
    state: 'failed',
    message: () =>
      CHECK +
      '  budgets.tiny.cycles: expected an integer from 5 to 1000, got "20"\n' +
      `  budgets.tiny.retained: expected ${SIZE}, got true\n` +
      '  budgets.tiny.objects: expected an object such as {"TelemetryEvent":0,"*":50}, got ["Event"]\n' +
      '  budgets.tiny.sites.direct: expected an array, got "src/**"\n' +
      SCHEMA_TIP,
    after: 'unchanged',
  },
  {
    name: 'budgets is not an object',
    setup: file('{ "budgets": ["tiny"] }\n'),
    body: 'budget check',
    state: 'failed',
    message: () => `${CHECK}  budgets: expected an object such as {"telemetry":{"retained":"600 kB","leak":"1 kB"}}, got ["tiny"]\n${SCHEMA_TIP}`,
    after: 'unchanged',
  },
  {
    name: 'negative sizes',
    setup: file('{ "budgets": { "tiny": { "retained": -1, "leak": "-5 kB" } } }\n'),
    body: 'budget check',
    state: 'failed',
    message: () => `${CHECK}  budgets.tiny.retained: expected ${SIZE}, got -1\n  budgets.tiny.leak: expected ${SIZE}, got "-5 kB"\n${SCHEMA_TIP}`,
    after: 'unchanged',
  },
  {
    name: 'unparseable sizes',
    setup: file('{ "budgets": { "tiny": { "retained": "12 parsecs", "leak": "8 Mbit", "peak": "1e3 kB", "allocated": 1.5 } } }\n'),
    body: 'budget check',
    state: 'failed',
    message: () =>
      CHECK +
      `  budgets.tiny.retained: expected ${SIZE}, got "12 parsecs"\n` +
      `  budgets.tiny.leak: expected ${SIZE}, got "8 Mbit": sizes are in bytes, not bits\n` +
      `  budgets.tiny.peak: expected ${LIMIT}, got "1e3 kB"\n` +
      '  budgets.tiny.allocated: expected a whole number of bytes, a string such as "1.5 kB", or a share such as "2%", got 1.5\n' +
      SCHEMA_TIP,
    after: 'unchanged',
  },
  {
    name: 'relative limits where they do not belong, and malformed ones',
    setup: file('{ "budgets": { "tiny": { "retained": "2%", "allocated": "2 percent", "peak": { "share": "10" }, "direct": {}, "objects": { "Event": "1%" } } } }\n'),
    body: 'budget check',
    state: 'failed',
    message: () =>
      CHECK +
      `  budgets.tiny.retained: expected ${SIZE}, got "2%": retained takes no share, being already the candidate's extra over the baseline (whose own heap is the whole worker's); shares are for allocated, direct and peak\n` +
      `  budgets.tiny.allocated: expected ${LIMIT}, got "2 percent"\n` +
      `  budgets.tiny.peak.share: expected a share of the baseline's figure such as "2%", got "10"\n` +
      '  budgets.tiny.direct: expected "most", "share" or both, such as { "most": "600 kB", "share": "2%" }, got {}\n' +
      '  budgets.tiny.objects.Event: expected a non-negative integer, got "1%": object counts take no share; shares are for allocated, direct and peak\n' +
      SCHEMA_TIP,
    after: 'unchanged',
  },
  {
    name: 'unknown keys',
    setup: file('{ "budget": {}, "budgets": { "tiny": { "retaind": "1 MB", "limit": 5 } } }\n'),
    body: 'budget check',
    state: 'failed',
    message: () =>
      CHECK +
      '  budget: unknown key; did you mean "budgets"?\n' +
      '  budgets.tiny.retaind: unknown key; did you mean "retained"?\n' +
      '  budgets.tiny.limit: unknown key; known keys are cycles, warmup, retained, leak, domNodes, listeners, objects, allocated, peak, direct, sites\n' +
      SCHEMA_TIP,
    after: 'unchanged',
  },
  {
    name: 'cycles of 0',
    setup: file('{ "defaults": { "cycles": 0 }, "budgets": { "tiny": {} } }\n'),
    body: 'budget check',
    state: 'failed',
    message: () => `${CHECK}  defaults.cycles: expected an integer from 5 to 1000, got 0\n${SCHEMA_TIP}`,
    after: 'unchanged',
  },
  {
    name: 'absurd cycles and warm-up',
    setup: file('{ "budgets": { "tiny": { "cycles": 1e400, "warmup": -1 }, "other": { "cycles": 2.5 }, "big": { "cycles": 1000000 } } }\n'),
    body: 'budget check',
    state: 'failed',
    message: () =>
      CHECK +
      '  budgets.tiny.cycles: expected an integer from 5 to 1000, got Infinity\n' +
      '  budgets.tiny.warmup: expected an integer from 0 to 1000, got -1\n' +
      '  budgets.other.cycles: expected an integer from 5 to 1000, got 2.5\n' +
      '  budgets.big.cycles: expected an integer from 5 to 1000, got 1000000\n' +
      SCHEMA_TIP,
    after: 'unchanged',
  },

  // The matcher's arguments, with the fixture's valid budget file.
  {
    name: 'unknown budget name',
    setup: FIXTURE,
    body: 'unknown budget',
    state: 'failed',
    message: (f) => `Unknown memory budget "tinny"; did you mean "tiny"?\nBudgets in ${f}: tiny, objects\nRun vitest -u to record it from this run.`,
    after: 'unchanged',
  },
  {
    name: 'overrides: cycles of 0',
    setup: FIXTURE,
    body: 'overrides cycles 0',
    state: 'failed',
    message: () => 'Invalid overrides for memory budget "tiny":\n  overrides.cycles: expected an integer from 5 to 1000, got 0',
    after: 'unchanged',
  },
  {
    name: 'overrides: absurd cycles',
    setup: FIXTURE,
    body: 'overrides cycles 1e9',
    state: 'failed',
    message: () => 'Invalid overrides for memory budget "tiny":\n  overrides.cycles: expected an integer from 5 to 1000, got 1000000000',
    after: 'unchanged',
  },
  {
    name: 'toLeakMemory options: cycles Infinity',
    setup: FIXTURE,
    body: 'options cycles Infinity',
    state: 'failed',
    message: () => 'Invalid options for toLeakMemory(options):\n  options.cycles: expected an integer from 5 to 1000, got Infinity',
    after: 'unchanged',
  },
  {
    name: 'toLeakMemory options: cycles NaN',
    setup: FIXTURE,
    body: 'options cycles NaN',
    state: 'failed',
    message: () => 'Invalid options for toLeakMemory(options):\n  options.cycles: expected an integer from 5 to 1000, got NaN',
    after: 'unchanged',
  },
  {
    name: 'overrides: negative size',
    setup: FIXTURE,
    body: 'overrides negative size',
    state: 'failed',
    message: () => `Invalid overrides for memory budget "tiny":\n  overrides.retained: expected ${SIZE}, got -1`,
    after: 'unchanged',
  },
  {
    name: 'overrides: unparseable sizes',
    setup: FIXTURE,
    body: 'overrides unparseable size',
    state: 'failed',
    message: () =>
      'Invalid overrides for memory budget "tiny":\n' +
      `  overrides.leak: expected ${SIZE}, got "12 parsecs"\n` +
      `  overrides.retained: expected ${SIZE}, got "8 Mbit": sizes are in bytes, not bits`,
    after: 'unchanged',
  },
  {
    name: 'overrides: unknown key',
    setup: FIXTURE,
    body: 'overrides unknown key',
    state: 'failed',
    message: () => 'Invalid overrides for memory budget "tiny":\n  overrides.retaind: unknown key; did you mean "retained"?',
    after: 'unchanged',
  },
  {
    name: 'overrides: not an object',
    setup: FIXTURE,
    body: 'overrides not an object',
    state: 'failed',
    message: () => 'Invalid overrides for memory budget "tiny":\n  overrides: expected an object such as {"retained":"600 kB","leak":"1 kB"}, got 5',
    after: 'unchanged',
  },
  {
    name: 'block is not a function',
    setup: FIXTURE,
    body: 'block is a number',
    state: 'failed',
    message: () => 'expect(block).not.toLeakMemory(): expected a function to run each cycle, got number 42. Pass the block itself: expect(async ({ enabled }) => { ... })',
    after: 'unchanged',
  },
  {
    name: 'block is a promise (the block called once)',
    setup: FIXTURE,
    body: 'block is a promise',
    state: 'failed',
    message: () =>
      'expect(block).toStayWithinMemoryBudget("tiny"): expected a function to run each cycle, got a promise (the result of calling it once?). Pass the block itself: expect(async ({ enabled }) => { ... })',
    after: 'unchanged',
  },

  // The block, as it runs.
  {
    name: 'block throws: its own error',
    setup: FIXTURE,
    body: 'block throws',
    state: 'failed',
    message: () => 'boom in cycle 3',
    after: 'unchanged',
  },
  {
    name: 'block rejects: its own error',
    setup: FIXTURE,
    body: 'block rejects',
    state: 'failed',
    message: () => 'rejected on purpose',
    after: 'unchanged',
  },
  {
    name: 'block never resolves, in warm-up: the test timeout wins and names the cycle',
    setup: FIXTURE,
    body: 'block hangs in warm-up',
    state: 'failed',
    message: () => TIMED_OUT(5000, 'expect(block).not.toLeakMemory()', 'warm-up cycle 3 ({ enabled: false, cycle: 2 })'),
    after: 'unchanged',
  },
  {
    name: 'block never resolves, in the candidate: the test timeout wins and names the cycle',
    setup: FIXTURE,
    body: 'block hangs in the candidate',
    state: 'failed',
    message: () => TIMED_OUT(15_000, 'expect(block).toStayWithinMemoryBudget("tiny")', 'candidate cycle 3 of 5 ({ enabled: true, cycle: 7 })'),
    after: 'unchanged',
  },
  {
    name: 'block returns a function: the value is ignored',
    setup: FIXTURE,
    body: 'block returns a function',
    state: 'passed',
    after: 'unchanged',
  },
  {
    name: 'block returns a thenable: awaited like a promise',
    setup: FIXTURE,
    body: 'block returns a thenable',
    state: 'failed',
    message: () => 'thenable rejected',
    after: 'unchanged',
  },
  {
    name: 'block calls process.exit: Vitest stops it, and says so',
    setup: FIXTURE,
    body: 'block calls process.exit',
    state: 'failed',
    // Vitest 5 names the test file, Vitest 4 does not.
    message: () => /^process\.exit unexpectedly called with "3"( \(test file: .*bad-input\.test\.ts\))?$/,
    after: 'unchanged',
  },
  {
    name: 'heap too large to snapshot, for a budget that limits objects',
    setup: FIXTURE,
    body: 'heap too large to snapshot',
    state: 'failed',
    message: () =>
      /^memory budget "objects" limits objects, which needs heap snapshots, but the worker's heap holds \d+ MB, over the 150 MB that heap snapshots are taken of \(each would take some \d+ s to write and as long to read\); measure in a test file of its own, so that the worker holds less, or raise memoryBudget\(\{ snapshotHeapLimit \}\) and the test's timeout\.$/,
    after: 'unchanged',
  },

  // The environment.
  {
    name: 'gc unavailable: the test file fails before any test, saying why',
    setup: { mainEnv: { VMB_EXEC_ARGV: '--expose-gc-as=collect' } },
    body: 'budget check',
    state: 'not run',
    output: () =>
      /FAIL {2}bad-input\.test\.ts [^]*Error: vitest-memory-budget cannot force a garbage collection in this worker: no gc\(\) function, even after setting --expose-gc at run time\. Memory checks need a full GC after every cycle, and refuse to measure without one\. Check the workers' flags \(execArgv, NODE_OPTIONS\) for one that removes or renames gc, such as --expose-gc-as;/,
    after: 'unchanged',
  },

  // Recording (vitest -u).
  {
    name: 'read-only budget file under -u: the check passes, the run fails, the file is kept',
    setup: { update: true, mainEnv: LOCAL, prepare: (f) => chmodSync(f, 0o444) },
    body: 'records budget a',
    state: 'passed',
    output: (f) =>
      new RegExp(
        escape(`Memory budgets were not recorded in ${f}; the file was left as it is.\nMemory budget file is read-only: ${f} (mode r--r--r--: nobody may write it).\n`) +
          escape('vitest -u records budgets by rewriting it: make it writable (chmod u+w), or run without -u.'),
      ),
    after: (before, after, f) => {
      expect(after).toBe(before)
      expect(statSync(f).mode & 0o777).toBe(0o444)
    },
    exitCode: 1,
  },
  ...(['a', 'b'] as const).map(
    (which): Case => ({
      name: `two runs recording at once: run ${which}'s budget is kept`,
      setup: TWO_AT_ONCE,
      body: `records budget ${which}`,
      state: 'passed',
      output: () => new RegExp(`Memory budgets recorded in memory-budgets\\.json\\n {3}added {6}"recorded-${which}" {2}retained`),
      after: (before, after, f) => {
        // Both runs' budgets, after the fixture's own, which stay byte for byte: a valid file, nothing cut off.
        const kept = before.slice(0, before.indexOf('\n  }\n}'))
        expect(after.startsWith(`${kept},\n`)).toBe(true)
        expect(after.endsWith('\n  }\n}\n')).toBe(true)
        expect(Object.keys(loadBudgetFile(f).budgets).sort()).toEqual(['objects', 'recorded-a', 'recorded-b', 'tiny'])
      },
      exitCode: 0,
    }),
  ),
]

interface Outcome {
  states: Record<string, string>
  errors: Record<string, string>
  output: string
  exitCode: number
  file: string
  /** The budget file's text before and after the run; undefined when it is not a file. */
  before: string | undefined
  after: string | undefined
  /** Files the writer may leave behind: temporary files, lock files. */
  leftovers: string[]
}

const repoRoot = path.resolve(import.meta.dirname, '../..')
const copies: SuiteCopy[] = []
const outcomes = new Map<Setup, Outcome>()

beforeAll(async () => {
  // One run at a time (two for TWO_AT_ONCE): the machine's cores are shared.
  for (const setup of new Set(CASES.map((c) => c.setup))) {
    outcomes.set(setup, await runSetup(setup, CASES.filter((c) => c.setup === setup)))
  }
})
afterAll(() => {
  for (const copy of copies) {
    rmSync(path.join(copy.root, 'memory-budgets.json'), { recursive: true, force: true }) // a folder, or read-only
    copy.remove()
  }
})

describe('bad input', () => {
  test.each(CASES)('$name', ({ name, setup, state, message, output, after, exitCode }) => {
    const outcome = outcomes.get(setup)!
    const { file } = outcome
    if (state === 'not run') {
      expect(outcome.states, whyOf(outcome)).toEqual({})
      expect(outcome.exitCode).toBe(1)
    } else {
      expect(outcome.states[name]).toBe(state)
    }
    const expected = message?.(file)
    if (expected === undefined) expect(outcome.errors[name]).toBeUndefined()
    else if (typeof expected === 'string') expect(outcome.errors[name]).toBe(expected.replaceAll('<file>', file))
    else expect(outcome.errors[name]).toMatch(expected)
    if (output) expect(outcome.output).toMatch(output(file))
    if (exitCode !== undefined) expect(outcome.exitCode).toBe(exitCode)

    if (after === 'absent') {
      expect(outcome.before).toBeUndefined()
      expect(outcome.after).toBeUndefined()
    } else {
      expect(outcome.before).toBeDefined()
      if (after === 'unchanged') expect(outcome.after).toBe(outcome.before)
      else after(outcome.before!, outcome.after!, file)
    }
    expect(outcome.leftovers).toEqual([])
  })
})

async function runSetup(setup: Setup, cases: Case[]): Promise<Outcome> {
  const suite = copySuite('bad-input')
  copies.push(suite)
  const file = path.join(suite.root, 'memory-budgets.json')
  if (setup.budgets === null) rmSync(file)
  else if (setup.budgets !== undefined) writeFileSync(file, setup.budgets)
  setup.prepare?.(file)
  const before = fileText(file)
  const tests = cases.map((c) => [c.name, c.body])
  const run = setup.concurrent
    ? merged(await Promise.all(tests.map((one) => runInProcess(suite.root, [one], setup))))
    : await runSuite(suite.root, { env: { BAD_INPUT: JSON.stringify(tests) }, update: setup.update ?? false, mainEnv: setup.mainEnv ?? {} })
  const leftovers = readdirSync(suite.root).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'))
  return { states: run.states, errors: run.errors, output: run.output, exitCode: run.exitCode, file, before, after: fileText(file), leftovers }
}

type Run = Pick<Outcome, 'states' | 'errors' | 'output' | 'exitCode'>

/**
 * `vitest run` in a process of its own, as a second terminal would start it: runs in one process
 * cannot write the budget file at the same moment (the recorder writes synchronously), runs in two can.
 */
function runInProcess(root: string, tests: string[][], setup: Setup): Promise<Run> {
  const json = path.join(mkdtempSync(path.join(os.tmpdir(), 'vmb-json-')), 'results.json')
  const env: Record<string, string | undefined> = { ...process.env, BAD_INPUT: JSON.stringify(tests), NO_COLOR: '1', ...setup.mainEnv }
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'GITHUB_STEP_SUMMARY' || env[key] === undefined) delete env[key]
  const args = [path.join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`]
  if (setup.update) args.push('-u')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('exit', (code) => {
      const states: Record<string, string> = {}
      const errors: Record<string, string> = {}
      const results = JSON.parse(readFileSync(json, 'utf8')) as { testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }> }
      rmSync(path.dirname(json), { recursive: true, force: true })
      for (const { title, status, failureMessages } of results.testResults.flatMap((r) => r.assertionResults)) {
        states[title] = status
        if (failureMessages.length) errors[title] = failureMessages.join('\n')
      }
      resolve({ states, errors, output, exitCode: code ?? 1 })
    })
  })
}

function merged(runs: Run[]): Run {
  return {
    states: Object.assign({}, ...runs.map((r) => r.states)),
    errors: Object.assign({}, ...runs.map((r) => r.errors)),
    output: runs.map((r) => r.output).join('\n'),
    exitCode: Math.max(...runs.map((r) => r.exitCode)),
  }
}

function fileText(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined
  } catch {
    return undefined
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
