/**
 * Every message about budget files, overrides and matcher options, in one table (size-limit style):
 * raise with `new BudgetError('unknownBudget', { file, name, known })`. Plain text, no colour.
 */

/** One thing wrong at one place in a budget file, overrides or options. */
export interface BudgetProblem {
  /** `unknownKey` for a key the schema does not define, `invalid` for anything else. */
  code: 'invalid' | 'unknownKey'
  /** Where, readable to people: `budgets.telemetry.retained`, `budgets["my budget"].leak`, `overrides.cycles`; '' for the whole file. */
  jsonPath: string
  /** What was expected and what was found: `expected an integer from 5 to 1000, got 3`. */
  message: string
}

interface Params {
  /** `recordHint`: the check can record it (it is not a `-u` run): say how. */
  fileMissing: { file: string; recordHint?: boolean }
  fileUnreadable: { file: string; reason: string }
  fileEmpty: { file: string }
  fileReadOnly: { file: string; reason: string }
  fileLocked: { file: string; lock: string; holder: string }
  notJson: { file: string; detail: string; line?: number; column?: number; hint?: string }
  invalid: { file: string; problems: BudgetProblem[]; hasSchema: boolean }
  unknownKey: { file: string; problems: BudgetProblem[]; hasSchema: boolean }
  unknownBudget: { file: string; name: string; known: string[]; recordHint?: boolean }
  invalidOverrides: { budget: string; problems: BudgetProblem[] }
  invalidOptions: { matcher: string; problems: BudgetProblem[] }
}

export type BudgetErrorCode = keyof Params

const SCHEMA_PATH = './node_modules/vitest-memory-budget/budget.schema.json'
const EXAMPLE_BUDGET = '"telemetry": { "retained": "600 kB", "leak": "1 kB" }'
const EXAMPLE_FILE = `{
  "$schema": "${SCHEMA_PATH}",
  "budgets": {
    ${EXAMPLE_BUDGET}
  }
}`
/** How to get a missing budget, or a missing file, without guessing a number. */
export const RECORD_HINT = 'Run vitest -u to record it from this run.'
const RECORD_FILE_HINT = 'Or run vitest -u to record every budget this run checks into a new file.'
/** Longest list of budget names printed; a file may hold hundreds. */
const MAX_LISTED = 20

const MESSAGES: { [C in BudgetErrorCode]: (p: Params[C]) => string } = {
  fileMissing: ({ file, recordHint }) =>
    `Memory budget file not found: ${file}\n` +
    `Create it with at least one budget, for example:\n\n${EXAMPLE_FILE}\n\n` +
    'The default location is memory-budgets.json at the project root; ' +
    "choose another with memoryBudget({ budgets: 'path/to/budgets.json' }) in vitest.config.ts." +
    (recordHint ? `\n${RECORD_FILE_HINT}` : ''),
  fileUnreadable: ({ file, reason }) => `Cannot read memory budget file ${file}: ${reason}`,
  fileEmpty: ({ file }) =>
    `Memory budget file is empty: ${file}\nGive it at least one budget, for example:\n\n${EXAMPLE_FILE}`,
  fileReadOnly: ({ file, reason }) =>
    `Memory budget file is read-only: ${file} (${reason}).\n` +
    'vitest -u records budgets by rewriting it: make it writable (chmod u+w), or run without -u.',
  fileLocked: ({ file, lock, holder }) =>
    `Memory budget file ${file} is being written by another process (${holder}); gave up waiting for it.\n` +
    `If no other vitest -u is running, delete the lock file ${lock} and run again.`,
  notJson: ({ file, detail, line, column, hint }) =>
    `Memory budget file is not valid JSON: ${file}${line === undefined ? '' : `:${line}:${column}`}\n` +
    detail + (hint === undefined ? '' : `\n${hint}`),
  invalid: (p) => fileProblems(p),
  unknownKey: (p) => fileProblems(p),
  unknownBudget: ({ file, name, known, recordHint }) => unknownBudgetText(file, name, known) + (recordHint ? `\n${RECORD_HINT}` : ''),
  invalidOverrides: ({ budget, problems }) =>
    `Invalid overrides for memory budget ${JSON.stringify(budget)}:\n${problemLines(problems)}`,
  invalidOptions: ({ matcher, problems }) =>
    `Invalid options for ${matcher}(options):\n${problemLines(problems)}`,
}

function unknownBudgetText(file: string, name: string, known: string[]): string {
  if (known.length === 0) {
    return `Unknown memory budget ${JSON.stringify(name)}: ${file} has no budgets.\n` +
      `Add one under "budgets", for example:\n  ${EXAMPLE_BUDGET}`
  }
  const guess = nearest(name, known)
  const listed = known.slice(0, MAX_LISTED).join(', ') +
    (known.length > MAX_LISTED ? ` and ${known.length - MAX_LISTED} more` : '')
  return `Unknown memory budget ${JSON.stringify(name)}` +
    (guess === undefined ? '' : `; did you mean ${JSON.stringify(guess)}?`) +
    `\nBudgets in ${file}: ${listed}`
}

function fileProblems({ file, problems, hasSchema }: Params['invalid']): string {
  return `Invalid memory budget file ${file}:\n${problemLines(problems)}` +
    (hasSchema ? '' : `\nAdd "$schema": "${SCHEMA_PATH}" to the file so that your editor checks it as you type.`)
}

function problemLines(problems: BudgetProblem[]): string {
  return problems.map((p) => `  ${p.jsonPath === '' ? 'top level' : p.jsonPath}: ${p.message}`).join('\n')
}

export class BudgetError<C extends BudgetErrorCode = BudgetErrorCode> extends Error {
  override name = 'BudgetError'
  readonly code: C
  /** Absolute path of the budget file, when the error is about one. */
  readonly file?: string
  /** Where the first problem is (see BudgetProblem.jsonPath); the message lists them all. */
  readonly jsonPath?: string
  readonly problems: readonly BudgetProblem[]

  constructor(code: C, params: Params[C], options?: ErrorOptions) {
    super(MESSAGES[code](params), options)
    this.code = code
    if ('file' in params) this.file = params.file
    this.problems = 'problems' in params ? params.problems : []
    if (this.problems[0] !== undefined) this.jsonPath = this.problems[0].jsonPath
  }
}

/** `unknown key; did you mean "retained"?`, or the known keys when none is close. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = nearest(key, known)
  return guess === undefined
    ? `unknown key; known keys are ${known.join(', ')}`
    : `unknown key; did you mean ${JSON.stringify(guess)}?`
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** `budgets.telemetry.retained`; `budgets["my budget"].leak`; `sites.direct[0]` for array indexes. */
export function formatJsonPath(segments: ReadonlyArray<string | number>, root = ''): string {
  let path = root
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`
    else path += `[${JSON.stringify(segment)}]`
  }
  return path
}

const MAX_SHOWN = 60

/** The user's value as they would write it, cut to one readable line. */
export function showValue(value: unknown): string {
  let shown: string
  if (typeof value === 'number' || typeof value === 'undefined') shown = String(value) // NaN, not "null"
  else if (typeof value === 'bigint') shown = `${value}n`
  else if (typeof value === 'function' || typeof value === 'symbol') shown = `a ${typeof value}`
  else {
    try {
      shown = JSON.stringify(value)
    } catch {
      shown = Array.isArray(value) ? 'an array' : 'an object' // circular
    }
  }
  return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN - 3)}...` : shown
}

/**
 * The candidate nearest to `word` by edit distance, ignoring case, when near enough to be a typo:
 * at most a third of the word's length (at least 1) edits away.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  return best
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
