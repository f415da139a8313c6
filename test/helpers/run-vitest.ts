import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import { startVitest, type Vitest } from 'vitest/node'

export interface SuiteRun {
  /** Test name -> 'passed' | 'failed' | 'skipped' | 'pending'. */
  states: Record<string, string>
  /** Test name -> its errors' messages, joined. */
  errors: Record<string, string>
  /** Errors outside tests (a failing setup file, unhandled rejections). */
  unhandled: string[]
  /** Everything Vitest printed, without colour; and what went to stdout and to stderr, apart. */
  output: string
  stdout: string
  stderr: string
  exitCode: number
}

/**
 * The fixture tests' error messages, for `expect(run.states, whyOf(run))`: when a verdict differs
 * from the one expected, the failure then shows what the check printed, not only its state.
 */
export function whyOf(run: Pick<SuiteRun, 'errors'>): string {
  const messages = Object.entries(run.errors).map(([name, message]) => `${name}:\n${message}`)
  return messages.length ? `the fixture tests printed:\n\n${messages.join('\n\n')}` : 'no fixture test printed an error'
}

const repoRoot = path.resolve(import.meta.dirname, '../..')

export interface RunOptions {
  pool?: string
  /** Vitest's `isolate`: false runs every file of a worker in one module graph and heap. */
  isolate?: boolean
  files?: string[]
  /** Environment of the test workers (Vitest's `test.env`), not of the main process. */
  env?: Record<string, string>
  /** Run as `vitest -u`. */
  update?: boolean
  /** Run with coverage on, as `--coverage --coverage.provider=<provider>` (reports to a temporary folder, none printed). */
  coverage?: 'v8' | 'istanbul'
  /** A config file other than the root's own (`vitest --config`), relative to the repository. */
  config?: string
  /** Vitest's `reporters` (the CLI's `--reporter`), instead of the config's. */
  reporters?: Array<string | [string, Record<string, unknown>]>
  /** `--shard=1/2`. */
  shard?: string
  /** `--merge-reports <folder>`: replays the blobs there instead of running tests (absolute folder). */
  mergeReports?: string
  /**
   * Environment of the main process during the run (the plugin's reporters read it there; workers
   * started during the run inherit it), restored afterwards; undefined removes a variable.
   * GITHUB_STEP_SUMMARY is always removed unless given: the fixtures' reports must not land in the
   * summary of this repository's own CI job.
   */
  mainEnv?: Record<string, string | undefined>
}

/**
 * Runs real Vitest, with the plugin as users add it, on a fixture suite (a folder of
 * fixtures/suites, any folder of the repository given as a relative path with a slash, or an
 * absolute path such as a copy made by copySuite), and
 * reports what a user would see: which tests passed or failed, their messages, and the output.
 */
export async function runSuite(name: string, options: RunOptions = {}): Promise<SuiteRun> {
  const printed = { output: '', stdout: '', stderr: '' }
  const sink = (stream: 'stdout' | 'stderr') =>
    keptOpen((chunk) => {
      printed.output += chunk
      printed[stream] += chunk
    })
  const previousExitCode = process.exitCode
  const restoreEnv = setEnv({ GITHUB_STEP_SUMMARY: undefined, ...options.mainEnv })
  try {
    return await run(name, options, { stdout: sink('stdout'), stderr: sink('stderr') }, printed)
  } finally {
    restoreEnv()
    // startVitest sets the exit code of the process it runs in; the outer test run must not inherit it.
    process.exitCode = previousExitCode
  }
}

async function run(name: string, options: RunOptions, streams: { stdout: Writable; stderr: Writable }, printed: Record<'output' | 'stdout' | 'stderr', string>): Promise<SuiteRun> {
  // The `mode` argument is deprecated in Vitest 5 and required by Vitest 4 (scripts/compat.sh).
  const vitest = await startVitest(
    'test',
    options.files ?? [],
    {
      root: path.isAbsolute(name) ? name : path.join(repoRoot, name.includes('/') ? name : `fixtures/suites/${name}`),
      watch: false,
      ...(options.config && { config: path.join(repoRoot, options.config) }),
      pool: options.pool as 'forks' | undefined,
      ...(options.isolate !== undefined && { isolate: options.isolate }),
      env: options.env,
      ...(options.update && { update: true }),
      ...(options.reporters && { reporters: options.reporters }),
      ...(options.shard && { shard: options.shard }),
      ...(options.mergeReports && { mergeReports: options.mergeReports }),
      ...(options.coverage && {
        coverage: { enabled: true, provider: options.coverage, reporter: [], reportsDirectory: path.join(os.tmpdir(), `vitest-memory-budget-coverage-${process.pid}`) },
      }),
    },
    {},
    streams,
  )
  const { states, errors } = outcomes(vitest)
  const unhandled = vitest.state.getUnhandledErrors().map((error) => String((error as Error).message ?? error))
  await vitest.close()
  const exitCode = Number(process.exitCode ?? 0)
  const plain = (text: string) => stripVTControlCharacters(text)
  return { states, errors, unhandled, output: plain(printed.output), stdout: plain(printed.stdout), stderr: plain(printed.stderr), exitCode }
}

function setEnv(variables: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]))
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
  apply(variables)
  return () => apply(previous)
}

/** Each test's state and error messages, by test name, as the last run left them. */
function outcomes(vitest: Vitest): Pick<SuiteRun, 'states' | 'errors'> {
  const states: Record<string, string> = {}
  const errors: Record<string, string> = {}
  for (const testModule of vitest.state.getTestModules()) {
    for (const testCase of testModule.children.allTests()) {
      const result = testCase.result()
      states[testCase.name] = result.state
      if (result.errors?.length) errors[testCase.name] = result.errors.map((error) => stripVTControlCharacters(error.message)).join('\n')
    }
  }
  return { states, errors }
}

export interface WatchedSuite {
  vitest: Vitest
  /** Resolves with the outcome of the `n`th run (1-based) once it has ended. */
  run(n: number): Promise<Pick<SuiteRun, 'states' | 'errors'> & { output: string }>
  close(): Promise<void>
}

/**
 * Vitest in watch mode on a suite, as `vitest` without `run` starts it: the caller drives reruns
 * (`rerunTestSpecifications()` as the `r` key, `updateSnapshot()` as the `u` key) and reads the
 * outcome and output of each run.
 */
export async function watchSuite(root: string, options: Pick<RunOptions, 'mainEnv'> = {}): Promise<WatchedSuite> {
  let output = ''
  const sink = keptOpen((chunk) => {
    output += chunk
  })
  const ended: Array<(value: Pick<SuiteRun, 'states' | 'errors'> & { output: string }) => void> = []
  const results: Array<Promise<Pick<SuiteRun, 'states' | 'errors'> & { output: string }>> = []
  const slot = (n: number) => {
    while (results.length < n) results.push(new Promise((resolve) => ended.push(resolve)))
    return results[n - 1]!
  }
  let runs = 0
  let outputAtStart = 0
  const previousExitCode = process.exitCode
  const restoreEnv = setEnv({ GITHUB_STEP_SUMMARY: undefined, ...options.mainEnv })
  const vitest = await startVitest(
    'test',
    [],
    {
      root,
      watch: true,
      reporters: [
        'default',
        {
          onTestRunStart: () => {
            outputAtStart = output.length
          },
          // After the plugin's reporters (pushed later, by configureVitest), whose output ends the run.
          onTestRunEnd: () => {
            runs++
            slot(runs)
            setImmediate(() => ended[runs - 1]!({ ...outcomes(vitest), output: stripVTControlCharacters(output.slice(outputAtStart)) }))
          },
        },
      ],
    },
    {},
    { stdout: sink, stderr: sink },
  )
  return {
    vitest,
    run: slot,
    close: async () => {
      await vitest.close()
      restoreEnv()
      process.exitCode = previousExitCode
    },
  }
}

/**
 * A stream that collects what Vitest prints. Vitest 4 pipes each worker thread's output into it and
 * lets the pipe end it when the worker exits, before the run's summary is printed (Vitest 5 pipes
 * with `{ end: false }`): ending it is ignored, so nothing printed afterwards is lost.
 */
function keptOpen(collect: (chunk: string) => void): Writable {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      collect(String(chunk))
      done()
    },
  })
  sink.end = () => sink
  return sink
}
