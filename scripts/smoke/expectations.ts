// What a quick start run must show, read from README's quick start files themselves (test names,
// the budget and its leak limit), so that editing the README's example changes what is expected.
import type { QuickStartRun } from './consumer.ts'
import type { QuickStartFile } from './quick-start.ts'

export interface Expectations {
  /** The quick start's tests, in order. */
  tests: string[]
  /** The test whose block calls toStayWithinMemoryBudget, and the budget it names. */
  budgetTest: string
  budget: string
  /** That budget's `leak` limit as the failure message prints it ("1 kB"). */
  leakLimit: string
}

export function expectationsOf(files: readonly QuickStartFile[]): Expectations {
  const testFile = files.find((file) => file.path.endsWith('.test.ts'))?.text ?? ''
  const blocks = [...testFile.matchAll(/^test\('([^']+)',([\s\S]*?)^\}\)/gm)]
  const budgetBlock = blocks.find((block) => block[2]!.includes('toStayWithinMemoryBudget('))
  const budget = /toStayWithinMemoryBudget\('([^']+)'\)/.exec(budgetBlock?.[2] ?? '')?.[1]
  const budgets = JSON.parse(files.find((file) => file.path === 'memory-budgets.json')?.text ?? '{}') as {
    budgets?: Record<string, { leak?: string | number }>
  }
  const leak = budget === undefined ? undefined : budgets.budgets?.[budget]?.leak
  if (!budgetBlock || budget === undefined || typeof leak !== 'string') {
    throw new Error("README's quick start no longer has a budget test whose budget sets a `leak` size string: update scripts/smoke/expectations.ts")
  }
  return { tests: blocks.map((block) => block[1]!), budgetTest: budgetBlock[1]!, budget, leakLimit: leak }
}

const SOURCE_MAP_ERROR = 'Failed to load source map'

/** The quick start with the clean client: every test passes, the table lists them, nothing else is printed wrong. */
export function quickStartProblems(run: QuickStartRun, expected: Expectations): string[] {
  const problems = commonProblems(run, expected)
  if (run.exitCode !== 0) problems.push(`vitest exited ${run.exitCode}`)
  for (const name of expected.tests) {
    const test = run.tests.find((candidate) => candidate.name === name)
    if (test?.state !== 'passed') problems.push(`"${name}" ${test ? test.state : 'did not run'}${test?.message ? `: ${test.message}` : ''}`)
  }
  if (!/^\s*Memory budgets\s*$/m.test(run.output)) problems.push('no "Memory budgets" table printed')
  for (const name of expected.tests) {
    if (!run.output.split('\n').some((line) => line.includes(name) && /\bwithin\s*$/.test(line))) problems.push(`the table has no "within" row for "${name}"`)
  }
  return problems
}

/** The quick start with the leaking client: the budget test fails on the leak, the others pass. */
export function leakyProblems(run: QuickStartRun, expected: Expectations): string[] {
  const problems = commonProblems(run, expected)
  if (run.exitCode === 0) problems.push('vitest exited 0 although the client leaks')
  const leak = new RegExp(
    // Vitest's JSON report puts the error's name in front: "Error: memory budget ...".
    `^(?:Error: )?memory budget "${escape(expected.budget)}" exceeded \\(\\d+ cycles without, \\d+ with\\)\\n\\s+leak\\s+candidate grows [\\d.]+ k?B/cycle > ${escape(expected.leakLimit)}/cycle`,
    'm',
  )
  for (const name of expected.tests) {
    const test = run.tests.find((candidate) => candidate.name === name)
    if (name === expected.budgetTest) {
      if (test?.state !== 'failed') problems.push(`"${name}" ${test ? test.state : 'did not run'}, expected to fail on the leak`)
      else if (!leak.test(test.message)) problems.push(`"${name}" failed without the leak message: ${test.message}`)
    } else if (test?.state !== 'passed') {
      problems.push(`"${name}" ${test ? test.state : 'did not run'}${test?.message ? `: ${test.message}` : ''}`)
    }
  }
  return problems
}

/** The leak figure of a leaky run's failure message, for the lane's result line. */
export function leakFigure(run: QuickStartRun, expected: Expectations): string | undefined {
  const message = run.tests.find((test) => test.name === expected.budgetTest)?.message ?? ''
  return /candidate grows ([\d.]+ k?B\/cycle)/.exec(message)?.[1]
}

function commonProblems(run: QuickStartRun, expected: Expectations): string[] {
  const problems: string[] = []
  const sourceMapErrors = run.output.split(SOURCE_MAP_ERROR).length - 1
  if (sourceMapErrors) problems.push(`"${SOURCE_MAP_ERROR}" printed ${sourceMapErrors} times`)
  if (run.tests.length === 0) problems.push(`no test result (vitest exited ${run.exitCode}):\n${run.output.split('\n').slice(-25).join('\n')}`)
  else if (run.tests.length !== expected.tests.length) problems.push(`${run.tests.length} tests ran, the quick start has ${expected.tests.length}`)
  return problems
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The plugin's warning about the Node running Vitest: exactly once on an unsupported Node (the
 * message pinned here as the user reads it), never on a supported one.
 */
export function nodeWarningProblems(run: QuickStartRun, nodeVersion: string, supported: boolean): string[] {
  const warning = `vitest-memory-budget: Node ${nodeVersion} is not supported (supported: Node >=22.12); memory figures and verdicts may be wrong on it.`
  const count = run.output.split(warning).length - 1
  if (supported) return /vitest-memory-budget: Node .* is not supported/.test(run.output) ? [`a Node version warning was printed on Node ${nodeVersion}`] : []
  if (count === 1) return []
  return [`the warning "${warning}" was printed ${count} times, expected once`]
}
