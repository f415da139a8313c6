// A user's project for scripts/smoke.ts: its own package.json, the packed tarball and Vitest from
// the npm registry, README's quick start files and the client they import.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { QuickStartFile } from './quick-start.ts'
import { baseEnv, must, run } from './run.ts'

export async function createConsumer(dir: string, tarball: string, packages: readonly string[], files: readonly QuickStartFile[]): Promise<void> {
  await mkdir(dir, { recursive: true })
  const pkg = { name: path.basename(dir), private: true, type: 'module' }
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
  // The machine's npm, as a user's project would install: Node 24 only runs the tests.
  await must(`npm install in ${dir}`, 'npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...packages], {
    cwd: dir,
    timeoutSeconds: 300,
  })
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true })
    await writeFile(path.join(dir, file.path), file.text)
  }
  await mkdir(path.join(dir, 'src'), { recursive: true })
  await copyFile(path.join(import.meta.dirname, 'client.ts'), path.join(dir, 'src/client.ts'))
}

export async function installedVersion(dir: string, name: string): Promise<string> {
  return (JSON.parse(await readFile(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
}

export interface TestResult {
  name: string
  state: string
  seconds: number
  /** The failure's message, without its stack. */
  message: string
}

export interface QuickStartRun {
  exitCode: number
  output: string
  seconds: number
  tests: TestResult[]
}

const RESULTS = '.smoke-results.json'

/**
 * `vitest run` in the consumer on the given Node, as the user runs it; the JSON reporter beside the
 * default one gives each test's state and time (the plugin adds its reporters whatever the CLI sets).
 */
export async function runQuickStart(
  dir: string,
  node: string,
  env: Record<string, string | undefined> = {},
  vitestArgs: readonly string[] = [],
): Promise<QuickStartRun> {
  await rm(path.join(dir, RESULTS), { force: true })
  const ran = await run(node, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}`, ...vitestArgs], {
    cwd: dir,
    // The consumer's Node first on PATH, for anything Vitest starts by name; never this repository's
    // CI summary.
    env: { ...baseEnv, PATH: `${path.dirname(node)}${path.delimiter}${baseEnv.PATH}`, GITHUB_STEP_SUMMARY: undefined, ...env },
    timeoutSeconds: 180,
  })
  const tests: TestResult[] = []
  if (existsSync(path.join(dir, RESULTS))) {
    const report = JSON.parse(await readFile(path.join(dir, RESULTS), 'utf8')) as {
      testResults: Array<{ assertionResults: Array<{ title: string; status: string; duration?: number | null; failureMessages?: string[] }> }>
    }
    for (const file of report.testResults) {
      for (const test of file.assertionResults) {
        tests.push({ name: test.title, state: test.status, seconds: (test.duration ?? 0) / 1000, message: withoutStack(test.failureMessages ?? []) })
      }
    }
  }
  return { exitCode: ran.exitCode, output: ran.output, seconds: ran.seconds, tests }
}

function withoutStack(messages: readonly string[]): string {
  return messages
    .map((message) => message.split('\n').filter((line) => !/^\s+at /.test(line)).join('\n').trim())
    .join('\n')
}
