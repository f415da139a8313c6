// A check from its resolved plan to what a matcher returns: run it, record it, word it, and apply
// the recording rules of `vitest -u`. Shared by the Node matchers (matchers.ts) and the browser
// command (browser-command.ts), which differ only in where the block runs and which probe reads the heap.
import type { ResolvedBudget } from '../budgets/budget.ts'
import type { LeakPlan } from '../budgets/resolve-budget.ts'
import { formatLeaksNotRecorded, type AllowIn } from '../budgets/leaks-not-recorded.ts'
import { leaksNotRecorded, type HeadroomRule } from '../budgets/record-budget.ts'
import { runBudgetCheck } from '../checks/budget-check.ts'
import { runLeakCheck } from '../checks/leak-check.ts'
import type { SnapshotOptions } from '../checks/snapshot-run.ts'
import type { Block, HeapProbe } from '../engine/cycles.ts'
import type { CheckProgress } from '../engine/progress.ts'
import { budgetRecord, leakRecord, type CheckRecord } from '../reporting/check-record.ts'
import { formatBudgetVerdict, formatLeakVerdict } from '../verdict/format-verdict.ts'

export interface CheckEnvironment {
  probe: HeapProbe
  /** The project root, for `sites.direct` globs and for showing files. */
  root: string
  /** The headroom the run records with, for the `leak` limit a leak under -u would need. */
  headroom?: HeadroomRule
  /** When checks may write heap snapshots (MemoryBudgetOptions.snapshotHeapLimit). */
  snapshots?: SnapshotOptions
}

/** What a check came to: whether the matcher passes (as `expect.extend` means it), its message, and its record for the reporters. */
export interface CheckResult {
  pass: boolean
  message: () => string
  record: CheckRecord
}

/** How the budget was resolved for this run (resolveBudgetForRun), and the call's own overrides. */
export interface BudgetCall {
  budget: ResolvedBudget
  /** This check records its budget (vitest -u). */
  recording: boolean
  /** The budget file has no entry of this name yet. */
  missing: boolean
  overrides: unknown
}

export async function budgetCheck(block: Block, { budget, recording, missing, overrides }: BudgetCall, environment: CheckEnvironment, progress: CheckProgress): Promise<CheckResult> {
  const { probe, root } = environment
  const outcome = await runBudgetCheck(block, budget, probe, root, progress, environment.snapshots)
  const record = budgetRecord(budget, outcome, root)
  const message = () => formatBudgetVerdict(outcome.verdict, outcome.measurement, budget, { ...outcome, root })
  if (!recording || outcome.verdict.pass) return { pass: outcome.verdict.pass, message, record }
  // Recording (vitest -u): the main process rewrites the broken limits from this very
  // measurement, and passes the check as a snapshot under -u, unless it leaks. A growing count
  // (a page's DOM nodes, listeners) has no limit to raise: it is a leak to fix.
  const counts = outcome.verdict.findings.filter((finding) => finding.key === 'countLeak' && finding.over)
  if (counts.length > 0) return { pass: false, message: () => `${message()}\n-u records no limit for ${counts.map((finding) => finding.counted!.name).join(' or ')} growing every cycle: that is a leak to fix.`, record }
  const leaks = leaksNotRecorded(record, environment.headroom)
  if (leaks.length === 0) return { pass: true, message, record }
  const allowIn: AllowIn = hasOwnKey(overrides, 'leak') ? { kind: 'override' } : { kind: missing ? 'new entry' : 'entry', budget: budget.name, file: budget.file }
  return { pass: false, message: () => `${message()}\n${formatLeaksNotRecorded(budget.name, leaks, allowIn)}`, record }
}

/** pass means "leaks": `.not.toLeakMemory()`. */
export async function leakCheck(block: Block, plan: LeakPlan, environment: CheckEnvironment, progress: CheckProgress): Promise<CheckResult> {
  const outcome = await runLeakCheck(block, plan, environment.probe, progress, environment.snapshots)
  return { pass: !outcome.verdict.pass, message: () => formatLeakVerdict(outcome.verdict, outcome.measurement, outcome), record: leakRecord(outcome) }
}

function hasOwnKey(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
}
