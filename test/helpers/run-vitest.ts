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

/**
 * Runs real Vitest, with the plugin as users add it, on a fixture suite (a folder of
 * fixtures/suites, or any folder of the repository given as a relative path with a slash), and
 * reports what a user would see: which tests passed or failed, their messages, and the output.
 */
export async function runSuite(name: string, options: { pool?: string; files?: string[]; env?: Record<string, string> } = {}): Promise<SuiteRun> {
  let output = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk)
      done()
    },
  })
  const previousExitCode = process.exitCode
  const vitest = await startVitest(
    options.files ?? [],
    { root: path.join(repoRoot, name.includes('/') ? name : `fixtures/suites/${name}`), watch: false, pool: options.pool as 'forks' | undefined, env: options.env },
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
  // startVitest sets the exit code of the process it runs in; the outer test run must not inherit it.
  const exitCode = Number(process.exitCode ?? 0)
  process.exitCode = previousExitCode
  return { states, errors, unhandled, output: stripVTControlCharacters(output), exitCode }
}
