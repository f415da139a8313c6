import path from 'node:path'
import type { Reporter, TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import { allowanceText, describeLeak } from '../budgets/leaks-not-recorded.ts'
import { DEFAULT_HEADROOM, recordBudget, type EntryUpdate, type HeadroomRule, type KeyChange } from '../budgets/record-budget.ts'
import { formatSize } from '../budgets/sizes.ts'
import type { RecordingDecision } from '../budgets/update-mode.ts'
import { inlineJson, updateBudgetFile, type BudgetFileWrite } from '../budgets/write-budget-file.ts'
import type { CheckRecord } from './check-record.ts'
import { collectRows, countedRows } from './check-rows.ts'
import { pluginOutput } from './plugin-output.ts'

/**
 * `vitest -u` for budgets: after the run, in the main process, writes every budget that a check
 * measured into its budget file, once per file. Workers never write: many files check budgets at
 * once, and one write of everything at the end cannot lose or mangle an entry.
 */
export class BudgetRecorder implements Reporter {
  private vitest: Vitest | undefined
  private readonly run: { readonly decision: RecordingDecision }
  private readonly headroom: HeadroomRule

  /** `run` holds the decision the workers were given for the current run (see RecordingSwitch). */
  constructor(run: { readonly decision: RecordingDecision }, headroom: HeadroomRule = DEFAULT_HEADROOM) {
    this.run = run
    this.headroom = headroom
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): void {
    const vitest = this.vitest
    if (!vitest) return
    const decision = this.run.decision
    const byFile = budgetChecks(testModules)
    const cut = cutBudgets(testModules, byFile)
    if (byFile.size === 0 && cut.length === 0) return
    const output = pluginOutput(vitest)
    if (!decision.record) {
      if (decision.reason === 'ci') output.log(' Memory budgets were not recorded: CI is set, and vitest -u never writes budgets in CI.\n')
      return
    }
    if (reason === 'interrupted') {
      output.log(' Memory budgets were not recorded: the run was interrupted.\n')
      return
    }
    for (const [file, budgets] of byFile) {
      try {
        const result = updateBudgetFile(
          file,
          (data) => [...budgets].map(([name, records]) =>
            recordBudget({ name, records, entry: data?.budgets[name], defaults: data?.defaults, headroom: this.headroom }),
          ),
          { schema: schemaPath(file, vitest.config.root) },
        )
        output.log(formatRecording(result, process.cwd()))
      } catch (error) {
        // A malformed file is the user's to fix: it is left byte for byte as it was.
        vitest.logger.error(`\n Memory budgets were not recorded in ${file}; the file was left as it is.\n${(error as Error).message}\n`)
        process.exitCode = 1
      }
    }
    if (cut.length > 0) output.log(` Memory budgets not recorded, their checks cut short: ${cut.join(', ')}\n`)
  }
}

/** `"hang" (timed out)` for each budget whose checks were all cut short, so nothing measured it. */
export function cutBudgets(testModules: ReadonlyArray<TestModule>, measured: Map<string, Map<string, CheckRecord[]>>): string[] {
  const names = new Map<string, string>()
  for (const { record } of countedRows(collectRows(testModules))) {
    if (!record.cut || record.budget === undefined || measured.get(record.budgetFile ?? '')?.has(record.budget)) continue
    names.set(record.budget, `${JSON.stringify(record.budget)} (${record.cut.verdict})`)
  }
  return [...names.values()]
}

/**
 * Budget file -> budget name -> the records of the checks that measured it, in run order. A
 * retried test's earlier attempts and checks cut short (no figures) record nothing. In a sharded
 * run each shard has only its own checks: the file keeps every budget the shard did not measure.
 */
export function budgetChecks(testModules: ReadonlyArray<TestModule>): Map<string, Map<string, CheckRecord[]>> {
  const byFile = new Map<string, Map<string, CheckRecord[]>>()
  for (const { record } of countedRows(collectRows(testModules))) {
    if (record.matcher !== 'toStayWithinMemoryBudget' || record.budget === undefined || record.budgetFile === undefined || record.cut) continue
    const budgets = byFile.get(record.budgetFile) ?? new Map<string, CheckRecord[]>()
    byFile.set(record.budgetFile, budgets)
    budgets.set(record.budget, [...(budgets.get(record.budget) ?? []), record])
  }
  return byFile
}

/** `$schema` for a budget file created from nothing: the package's schema, relative to the file. */
function schemaPath(file: string, root: string): string {
  const relative = path.relative(path.dirname(file), path.join(root, 'node_modules/vitest-memory-budget/budget.schema.json')).split(path.sep).join('/')
  return relative.startsWith('.') ? relative : `./${relative}`
}

const LISTED_UNCHANGED = 20

/**
 * What the run recorded, for the terminal:
 *
 *  Memory budgets recorded in memory-budgets.json
 *    added      "search"     retained 9 kB
 *    changed    "telemetry"  retained 1 kB -> 52 kB
 *    leaks      "events"     not recorded: candidate keeps objects every cycle: Event (20 in 20 cycles); to allow it, write "leak": "110 B" by hand
 *    unchanged  "clean", "cache"
 */
export function formatRecording({ file, outcome, updates }: BudgetFileWrite, cwd: string): string {
  const shown = path.relative(cwd, file) || file
  const title = outcome === 'created' ? `Memory budget file created: ${shown}` : outcome === 'written' ? `Memory budgets recorded in ${shown}` : `Memory budgets in ${shown}: nothing to record`
  const changed = updates.filter((update) => update.status !== 'unchanged')
  const leaking = updates.filter((update) => update.leaks)
  // A budget whose every check leaked is listed with its leaks only: nothing was measured to keep.
  const unchanged = updates.filter((update) => update.status === 'unchanged' && !update.leaks).map((update) => JSON.stringify(update.name))
  const nameWidth = Math.max(0, ...[...changed, ...leaking].map((update) => JSON.stringify(update.name).length))
  const lines = ['', ` ${title}`]
  for (const update of changed) {
    lines.push(`   ${update.status.padEnd(9)}  ${JSON.stringify(update.name).padEnd(nameWidth)}  ${update.changes.length ? update.changes.map(changeText).join(', ') : '{} (the defaults)'}`)
  }
  for (const update of leaking) lines.push(`   leaks      ${JSON.stringify(update.name).padEnd(nameWidth)}  ${leaksText(update)}`)
  if (unchanged.length > 0) {
    const listed = unchanged.slice(0, LISTED_UNCHANGED).join(', ') + (unchanged.length > LISTED_UNCHANGED ? ` and ${unchanged.length - LISTED_UNCHANGED} more` : '')
    lines.push(`   unchanged  ${listed}`)
  }
  lines.push('')
  return lines.join('\n')
}

function changeText({ path: keys, before, after }: KeyChange): string {
  const key = keys.join('.')
  const show = (value: unknown) => {
    if (keys.length === 2) return String(value) // a count of objects
    // A relative limit with a most shows as written: { "most": "600 kB", "share": "6.4%" }.
    const size = typeof value === 'number' ? formatSize(value) : typeof value === 'object' && value !== null ? inlineJson(value) : String(value)
    return key === 'leak' ? `${size}/cycle` : size
  }
  return before === undefined ? `${key} ${show(after)}` : `${key} ${show(before)} -> ${show(after)}`
}

/** `not recorded: candidate keeps objects every cycle: Event (20 in 20 cycles); to allow it, write "leak": "110 B" by hand` */
function leaksText({ leaks = [] }: EntryUpdate): string {
  // Several checks of one budget may leak alike: said once.
  return `not recorded: ${[...new Set(leaks.map(describeLeak))].join('; ')}; to allow it, write "leak": ${JSON.stringify(allowanceText(leaks))} by hand`
}
