import type { TaskMeta } from 'vitest'
import { showValue } from '../budgets/budget-errors.ts'
import { resolveLeakOptions } from '../budgets/resolve-budget.ts'
import { resolveBudgetForRun } from '../budgets/resolve-for-update.ts'
import { runBudgetCheck } from '../checks/budget-check.ts'
import { runLeakCheck } from '../checks/leak-check.ts'
import { removeAbandonedFolder } from '../checks/snapshot-run.ts'
import { BlockThrewNonError, describeThrow } from '../engine/block-failure.ts'
import type { Block, HeapProbe } from '../engine/cycles.ts'
import { CheckAborted, CheckProgress, describeProgress } from '../engine/progress.ts'
import { budgetRecord, leakRecord, META_KEY, type CheckRecord } from '../reporting/check-record.ts'
import { formatBudgetVerdict, formatLeakVerdict } from '../verdict/format-verdict.ts'
import { failIfNotAwaited } from './await-guard.ts'

interface MatcherContext {
  isNot: boolean
  task?: { meta: TaskMeta }
}

interface MatcherResult {
  pass: boolean
  message: () => string
}

export interface MatcherEnvironment {
  probe: HeapProbe
  budgetsPath: string
  /** The project root, for `sites.direct` globs and for showing files. */
  root: string
  /** This run records budgets (vitest -u, not in CI). */
  recording?: boolean
}

/**
 * The Vitest adapter: validates arguments, resolves the budget, hands the block to the engine and
 * the measurement to the judge, and returns what expect.extend wants. Everything that can be wrong
 * with the call is thrown before the first cycle runs.
 */
export function createMatchers(environment: MatcherEnvironment) {
  const { probe, budgetsPath, root } = environment
  let running: { call: string } | undefined

  /**
   * Runs one check at a time per worker: two at once would read each other's memory
   * (test.concurrent). The guard may release the lock of a check it abandoned (its block never
   * settled); the check's own finally then leaves alone a lock another check holds by then.
   */
  function exclusive<T>(call: string, progress: CheckProgress, kind: 'budget' | 'leak', cycles: number, run: () => Promise<T>) {
    const token = { call }
    const release = () => {
      if (running === token) running = undefined
    }
    const check = (async () => {
      if (running) {
        throw new Error(
          `${call} started while ${running.call} was still measuring in the same worker. Memory checks read the ` +
            'whole heap and cannot overlap: run them in tests that are not concurrent.',
        )
      }
      running = token
      try {
        return await run()
      } catch (error) {
        // A thrown Error is the user's own and passes as it is; anything else is named, with its cycle.
        if (error instanceof BlockThrewNonError) throw new Error(`${call}: ${describeThrow(error, kind, cycles)}`, { cause: error.value })
        throw error
      } finally {
        release()
      }
    })()
    const control = {
      where: () => describeProgress(progress, kind, cycles),
      abort: () => {
        progress.aborted = true
      },
      // The guard gave up waiting for the check: its own cleanup may never run.
      release: () => {
        release()
        removeAbandonedFolder(progress)
      },
    }
    return { check, control }
  }

  return {
    toStayWithinMemoryBudget(this: MatcherContext, block: unknown, name: unknown, overrides?: unknown): Promise<MatcherResult> {
      const call = `expect(block).${this.isNot ? 'not.' : ''}toStayWithinMemoryBudget(${JSON.stringify(name)})`
      if (this.isNot) {
        throw new TypeError(
          `${call}: a budget cannot be negated. To check that a block breaks a budget, tighten the budget instead.`,
        )
      }
      assertBlock(block, call)
      if (typeof name !== 'string' || name === '') {
        throw new TypeError(`${call}: the budget name must be a non-empty string, got ${describe(name)}`)
      }
      const { budget, recording } = resolveBudgetForRun(budgetsPath, name, overrides, environment.recording ?? false)
      const progress = new CheckProgress()
      const { check, control } = exclusive(call, progress, 'budget', budget.cycles, async () => {
        const outcome = await runBudgetCheck(block, budget, probe, root, progress)
        record(this, budgetRecord(budget, outcome, root))
        // Recording (vitest -u): the limits are being rewritten from this very measurement.
        return { pass: recording || outcome.verdict.pass, message: () => formatBudgetVerdict(outcome.verdict, outcome.measurement, budget, { ...outcome, root }) }
      })
      failIfNotAwaited(check, call, this.task, control)
      return settleAbandoned(check, false)
    },

    /** pass means "leaks": use it as `.not.toLeakMemory()`. */
    toLeakMemory(this: MatcherContext, block: unknown, options?: unknown): Promise<MatcherResult> {
      const call = `expect(block).${this.isNot ? 'not.' : ''}toLeakMemory()`
      assertBlock(block, call)
      const plan = resolveLeakOptions(options)
      const progress = new CheckProgress()
      const { check, control } = exclusive(call, progress, 'leak', plan.cycles, async () => {
        const outcome = await runLeakCheck(block, plan, probe, progress)
        record(this, leakRecord(outcome))
        return { pass: !outcome.verdict.pass, message: () => formatLeakVerdict(outcome.verdict, outcome.measurement, outcome) }
      })
      failIfNotAwaited(check, call, this.task, control)
      return settleAbandoned(check, this.isNot)
    },
  }
}

/**
 * A check the guard abandoned (its test had ended) resolves as a pass of whichever way it was
 * called: its test already fails with the reason, and a rejection arriving after the test ended
 * would only add a stray error to the run.
 */
async function settleAbandoned(check: Promise<MatcherResult>, isNot: boolean): Promise<MatcherResult> {
  try {
    return await check
  } catch (error) {
    if (error instanceof CheckAborted) return { pass: !isNot, message: () => '' }
    throw error
  }
}

function assertBlock(block: unknown, call: string): asserts block is Block {
  if (typeof block !== 'function') {
    // A promise is the result of calling the block once, e.g. expect(work()): the commonest slip.
    const hint = isThenable(block) ? ' (the result of calling it once?)' : ''
    throw new TypeError(
      `${call}: expected a function to run each cycle, got ${describe(block)}${hint}. Pass the block itself: expect(async ({ enabled }) => { ... })`,
    )
  }
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

function record(context: MatcherContext, check: CheckRecord): void {
  if (!context.task) return
  ;(context.task.meta[META_KEY] ??= []).push(check)
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (isThenable(value)) return 'a promise'
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object'
  return `${typeof value} ${showValue(value)}`
}
