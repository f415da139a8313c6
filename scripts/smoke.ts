// The package as a user gets it: packs the committed HEAD from a clean clone, installs the tarball
// with Vitest from the npm registry into fresh projects outside the repository, and runs README's
// quick start there, verbatim, on a client that keeps its memory bounded and on one that leaks.
//
//   node scripts/smoke.ts [--lanes a,b] [--keep]          (npm run smoke -- ...)
//   node scripts/smoke.ts --repeat 20 [--parallel 2] [--lane vitest5-node24] [--keep]
//
// Lanes: vitest5-node24, vitest4.1-node24 and vitest5-node22 run the quick start (both tests pass,
// the table is printed, no "Failed to load source map") and its leaking variant (the budget test
// fails with the leak message); vitest4.1-node20 checks the unsupported-Node warning (once, exact).
// All four run by default. --repeat runs the quick start N times, P at a time (each in its own
// copy of the project), and prints every failure's message and the checks' times.
// --test-timeout MS passes Vitest a longer test timeout, to see how long the checks take where the
// default 5 s is too short (diagnosis only: the quick start sets none, so the bar is Vitest's default).
// Run it with Node 24: `node_modules/.bin/node scripts/smoke.ts`. --keep keeps the temporary folder.
import { mkdtempSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { packListProblems, sourceMapCommentProblems } from './pack-contents.ts'
import { createConsumer, installedVersion, runQuickStart, type QuickStartRun } from './smoke/consumer.ts'
import { expectationsOf, leakFigure, leakyProblems, nodeWarningProblems, quickStartProblems, type Expectations } from './smoke/expectations.ts'
import { quickStartFiles } from './smoke/quick-start.ts'
import { baseEnv, must, run } from './smoke/run.ts'

const repo = path.resolve(import.meta.dirname, '..')

/** Vitest as a user's project installs it; Vitest 5 wants Vite as a peer, 4.1 brings its own. */
const CONSUMERS = { vitest5: ['vitest@5', 'vite'], 'vitest4.1': ['vitest@~4.1'] } as const
type ConsumerName = keyof typeof CONSUMERS

interface Lane {
  consumer: ConsumerName
  node: 24 | 22 | 20
  /** 'quick start': the quick start and its leaking variant; 'warning': the unsupported-Node warning. */
  checks: 'quick start' | 'warning'
}
const LANES: Record<string, Lane> = {
  'vitest5-node24': { consumer: 'vitest5', node: 24, checks: 'quick start' },
  'vitest4.1-node24': { consumer: 'vitest4.1', node: 24, checks: 'quick start' },
  'vitest5-node22': { consumer: 'vitest5', node: 22, checks: 'quick start' },
  'vitest4.1-node20': { consumer: 'vitest4.1', node: 20, checks: 'warning' },
}

const { values: args } = parseArgs({
  options: {
    lanes: { type: 'string', default: Object.keys(LANES).join(',') },
    repeat: { type: 'string' },
    parallel: { type: 'string', default: '1' },
    lane: { type: 'string', default: 'vitest5-node24' },
    keep: { type: 'boolean', default: false },
    'test-timeout': { type: 'string' },
  },
})
const repeat = args.repeat === undefined ? undefined : positive('--repeat', args.repeat)
const parallel = positive('--parallel', args.parallel)
const vitestArgs = args['test-timeout'] === undefined ? [] : [`--testTimeout=${positive('--test-timeout', args['test-timeout'])}`]
const timeoutNote = vitestArgs.length ? `a ${args['test-timeout']} ms test timeout (--test-timeout)` : "Vitest's default 5 s test timeout"
const laneNames = repeat === undefined ? args.lanes.split(',').filter(Boolean) : [args.lane]
for (const name of laneNames) if (!LANES[name]) usage(`unknown lane ${name}; lanes: ${Object.keys(LANES).join(', ')}`)
if (repeat !== undefined && LANES[args.lane]!.checks !== 'quick start') usage(`--repeat runs the quick start: ${args.lane} does not`)

const started = performance.now()
const work = mkdtempSync(path.join(os.tmpdir(), 'vmb-smoke-'))
if (!path.relative(realpathSync(repo), realpathSync(work)).startsWith('..')) {
  await rm(work, { recursive: true, force: true })
  usage(`the temporary folder ${work} is inside the repository: set TMPDIR`)
}
let exitCode = 1
try {
  exitCode = await main()
} catch (error) {
  console.error(`\nsmoke: ${error instanceof Error ? error.message : String(error)}`)
} finally {
  if (args.keep) console.log(`kept ${work}`)
  else await rm(work, { recursive: true, force: true })
}
process.exit(exitCode)

async function main(): Promise<number> {
  const lanes = laneNames.map((name) => ({ name, ...LANES[name]! }))
  const files = quickStartFiles(readFileSync(path.join(repo, 'README.md'), 'utf8'))
  const expected = expectationsOf(files)

  const head = (await must('git rev-parse', 'git', ['rev-parse', 'HEAD'], { cwd: repo })).output.trim()
  const dirty = (await must('git status', 'git', ['status', '--porcelain'], { cwd: repo })).output.trim()
  log(`packing the committed HEAD ${head.slice(0, 12)} from a clean clone in ${work}`)
  if (dirty) console.log('note: uncommitted changes of the working copy are not part of this smoke')
  const packing = pack(head)
  // Node binaries for the lanes on other Nodes (the packages of compat/), while the clone installs.
  const nodes = new Map<number, Promise<string>>()
  for (const lane of lanes) if (!nodes.has(lane.node)) nodes.set(lane.node, nodeBinary(lane.node))
  const tarball = await packing
  const packed = await checkTarball(tarball)
  if (packed.problems.length) {
    printResults([{ name: 'pack', problems: packed.problems, detail: `${path.basename(tarball)}, ${packed.count} files` }])
    return 1
  }
  console.log(`pack: ${path.basename(tarball)}, ${packed.count} files, every check passed`)

  const consumerNames = [...new Set(lanes.map((lane) => lane.consumer))]
  log(`installing ${consumerNames.map((name) => `${name} (${CONSUMERS[name].join(' ')})`).join(' and ')} with the tarball, from the npm registry`)
  const consumerDirs = new Map<ConsumerName, string>()
  await Promise.all(
    consumerNames.map(async (name) => {
      const dir = path.join(work, `consumer-${name}`)
      await createConsumer(dir, tarball, CONSUMERS[name], files)
      consumerDirs.set(name, dir)
    }),
  )
  const nodePaths = new Map<number, string>()
  for (const [major, binary] of nodes) nodePaths.set(major, await binary)

  if (repeat !== undefined) {
    const lane = lanes[0]!
    return repeatQuickStart(lane.name, consumerDirs.get(lane.consumer)!, nodePaths.get(lane.node)!, repeat, parallel, expected)
  }
  const results: LaneResult[] = []
  for (const lane of lanes) {
    const dir = consumerDirs.get(lane.consumer)!
    const node = nodePaths.get(lane.node)!
    const versions = `Vitest ${await installedVersion(dir, 'vitest')}, Node ${(await run(node, ['--version'], { cwd: dir })).output.trim()}`
    log(`${lane.name}: ${versions}`)
    const laneStarted = performance.now()
    const result = lane.checks === 'quick start' ? await quickStartLane(dir, node, expected) : await warningLane(dir, node)
    results.push({ name: lane.name, problems: result.problems, detail: `${versions}; ${result.detail} (${seconds(laneStarted)} s)` })
  }
  printResults(results)
  console.log(`smoke: ${seconds(started)} s in all, ${timeoutNote}`)
  return results.some((result) => result.problems.length) ? 1 : 0
}

/** Clone, `npm ci`, `npm pack` (its prepack builds dist/): the tarball a publish would upload. */
async function pack(head: string): Promise<string> {
  const clone = path.join(work, 'clone')
  await must('git clone', 'git', ['clone', '--quiet', '--no-checkout', repo, clone], { cwd: work })
  await must('git checkout', 'git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', head], { cwd: clone })
  const ci = await must('npm ci in the clone', 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], {
    cwd: clone,
    env: { ...baseEnv, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    timeoutSeconds: 600,
  })
  const packed = await must('npm pack in the clone', 'npm', ['pack', '--loglevel=error', '--pack-destination', work], { cwd: clone, timeoutSeconds: 300 })
  const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'))
  if (!tarball) throw new Error(`npm pack wrote no tarball:\n${packed.output}`)
  console.log(`clone + npm ci ${ci.seconds.toFixed(0)} s, npm pack ${packed.seconds.toFixed(0)} s`)
  return path.join(work, tarball)
}

/** The tarball's files against scripts/pack-contents.ts, the same checks as test/package/pack.test.ts. */
async function checkTarball(tarball: string): Promise<{ problems: string[]; count: number }> {
  const unpacked = path.join(work, 'unpacked')
  await mkdir(unpacked)
  await must('tar -xzf', 'tar', ['-xzf', tarball, '-C', unpacked], { cwd: work })
  const root = path.join(unpacked, 'package')
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
  const sources = readdirSync(path.join(work, 'clone/src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))
  const texts = files.map((file) => ({ path: file, text: readFileSync(path.join(root, file), 'utf8') }))
  return { problems: [...packListProblems(files, sources), ...sourceMapCommentProblems(texts)], count: files.length }
}

async function nodeBinary(major: number): Promise<string> {
  if (major === 24) return path.join(repo, 'node_modules/.bin/node')
  const dir = path.join(repo, `compat/node${major}`)
  const binary = path.join(dir, 'node_modules/.bin/node')
  if (!readdirSync(dir).includes('node_modules')) {
    await must(`npm ci --prefix compat/node${major}`, 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeoutSeconds: 300 })
  }
  return binary
}

interface LaneResult {
  name: string
  problems: string[]
  detail: string
}

async function quickStartLane(dir: string, node: string, expected: Expectations): Promise<{ problems: string[]; detail: string }> {
  const version = (await run(node, ['--version'], { cwd: dir })).output.trim().replace(/^v/, '')
  const clean = await runQuickStart(dir, node, {}, vitestArgs)
  printRun('quick start', clean)
  const leaky = await runQuickStart(dir, node, { SMOKE_CLIENT: 'leaky' }, vitestArgs)
  printRun('leaking client', leaky)
  const problems = [
    ...quickStartProblems(clean, expected).map((problem) => `quick start: ${problem}`),
    ...nodeWarningProblems(clean, version, true).map((problem) => `quick start: ${problem}`),
    ...leakyProblems(leaky, expected).map((problem) => `leaking client: ${problem}`),
  ]
  const detail = `quick start ${passedCount(clean)}/${expected.tests.length} passed (${times(clean)}), leaking client failed on ${leakFigure(leaky, expected) ?? '?'}`
  return { problems, detail }
}

async function warningLane(dir: string, node: string): Promise<{ problems: string[]; detail: string }> {
  const version = (await run(node, ['--version'], { cwd: dir })).output.trim().replace(/^v/, '')
  const ran = await runQuickStart(dir, node, {}, vitestArgs)
  printRun('quick start', ran)
  const states = ran.tests.map((test) => test.state).join(', ') || 'no result'
  return { problems: nodeWarningProblems(ran, version, false), detail: `warning printed once; the quick start's tests (not judged on Node ${version}): ${states}` }
}

/** The quick start N times, P at a time, each slot in its own copy of the project (reports, caches). */
async function repeatQuickStart(lane: string, dir: string, node: string, runs: number, slots: number, expected: Expectations): Promise<number> {
  const dirs = [dir]
  for (let slot = 1; slot < slots; slot++) {
    const copy = `${dir}-${slot + 1}`
    await must('cp -a', 'cp', ['-a', dir, copy], { cwd: work })
    dirs.push(copy)
  }
  log(`${lane}: the quick start ${runs} times, ${slots} at a time (load average ${loadAverage()})`)
  const failures: Array<{ index: number; problems: string[] }> = []
  let next = 0
  await Promise.all(
    dirs.map(async (slotDir, slot) => {
      while (next < runs) {
        const index = ++next
        const ran = await runQuickStart(slotDir, node, {}, vitestArgs)
        const problems = quickStartProblems(ran, expected)
        if (problems.length) failures.push({ index, problems })
        console.log(`run ${String(index).padStart(3)}/${runs} slot ${slot + 1}: ${problems.length ? 'FAILED' : 'passed'}  ${times(ran)}, vitest ${ran.seconds.toFixed(1)} s`)
      }
    }),
  )
  log(`${lane}: failures`)
  if (!failures.length) console.log('none')
  for (const failure of failures.sort((a, b) => a.index - b.index)) console.log(`run ${failure.index}:\n  ${failure.problems.join('\n').replaceAll('\n', '\n  ')}`)
  console.log(`load average at the end ${loadAverage()}; ${seconds(started)} s in all`)
  console.log(`repeat ${lane}: ${runs - failures.length} passed, ${failures.length} failed of ${runs} (${slots} in parallel, ${timeoutNote})`)
  return failures.length ? 1 : 0
}

function printRun(what: string, ran: QuickStartRun): void {
  const states = ran.tests.map((test) => `${test.state} ${test.seconds.toFixed(2)} s`).join(', ')
  console.log(`${what}: vitest exited ${ran.exitCode} after ${ran.seconds.toFixed(1)} s; tests: ${states || 'none'}`)
}

function printResults(results: readonly LaneResult[]): void {
  log('smoke results')
  const width = Math.max(...results.map((result) => result.name.length))
  for (const result of results) {
    console.log(`smoke ${result.name.padEnd(width)}  ${result.problems.length ? 'FAILED' : 'passed'}  ${result.detail}`)
    for (const problem of result.problems) console.log(`    ${problem.replaceAll('\n', '\n    ')}`)
  }
}

function passedCount(ran: QuickStartRun): number {
  return ran.tests.filter((test) => test.state === 'passed').length
}

function times(ran: QuickStartRun): string {
  return ran.tests.map((test) => `"${test.name}" ${test.state} in ${test.seconds.toFixed(2)} s`).join('; ') || 'no test result'
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(0)
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')
}

function log(message: string): void {
  console.log(`\n== ${message}`)
}

function positive(flag: string, value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) usage(`${flag} takes a whole number above 0, got ${value}`)
  return number
}

function usage(message: string): never {
  console.error(`smoke: ${message}`)
  const header = readFileSync(import.meta.filename, 'utf8').split('\n')
  console.error(header.slice(4, header.findIndex((line) => !line.startsWith('//'))).join('\n'))
  process.exit(2)
}
