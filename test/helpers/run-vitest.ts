import path from 'node:path'
import { Writable } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import { startVitest } from 'vitest/node'

export interface SuiteRun {
  /** Test name -> 'passed' | 'failed' | 'skipped' | 'pending'. */
  states: Record<string, string>
  /** Test name -> its errors' messages, joined. */
  errors: Record<string, string>
  /** Errors outside tests (a failing setup file, unhandled rejections). */
  unhandled: string[]
  /** Everything Vitest printed, without colour. */
  output: string
  exitCode: number
}

const repoRoot = path.resolve(import.meta.dirname, '../..')

export interface RunOptions {
  pool?: string
  files?: string[]
  /** Environment of the test workers (Vitest's `test.env`), not of the main process. */
  env?: Record<string, string>
  /** Run as `vitest -u`. */
  update?: boolean
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
  let output = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk)
      done()
    },
  })
  const previousExitCode = process.exitCode
  const restoreEnv = setEnv({ GITHUB_STEP_SUMMARY: undefined, ...options.mainEnv })
  try {
    return await run(name, options, sink, () => output)
  } finally {
    restoreEnv()
    // startVitest sets the exit code of the process it runs in; the outer test run must not inherit it.
    process.exitCode = previousExitCode
  }
}

async function run(name: string, options: RunOptions, sink: Writable, output: () => string): Promise<SuiteRun> {
  const vitest = await startVitest(
    options.files ?? [],
    {
      root: path.isAbsolute(name) ? name : path.join(repoRoot, name.includes('/') ? name : `fixtures/suites/${name}`),
      watch: false,
      pool: options.pool as 'forks' | undefined,
      env: options.env,
      ...(options.update && { update: true }),
    },
    {},
    { stdout: sink, stderr: sink },
  )
  const states: Record<string, string> = {}
  const errors: Record<string, string> = {}
  for (const testModule of vitest.state.getTestModules()) {
    for (const testCase of testModule.children.allTests()) {
      const result = testCase.result()
      states[testCase.name] = result.state
      if (result.errors?.length) errors[testCase.name] = result.errors.map((error) => stripVTControlCharacters(error.message)).join('\n')
    }
  }
  const unhandled = vitest.state.getUnhandledErrors().map((error) => String((error as Error).message ?? error))
  await vitest.close()
  const exitCode = Number(process.exitCode ?? 0)
  return { states, errors, unhandled, output: stripVTControlCharacters(output()), exitCode }
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
