import type { TaskMeta } from 'vitest'
import { resolveLeakOptions } from '../budgets/resolve-budget.ts'
import { resolveBudgetForRun } from '../budgets/resolve-for-update.ts'
import { removeAbandonedFolder } from '../checks/snapshot-run.ts'
import { CheckRefused } from '../checks/outcome.ts'
import { BlockThrewNonError, describeThrow } from '../engine/block-failure.ts'
import { now } from '../engine/own-timers.ts'
import { CheckAborted, CheckProgress, describeProgress, describeTimeSpent } from '../engine/progress.ts'
import { cutRecord, META_KEY, type CheckAttempt, type CheckCut, type CheckRecord } from '../reporting/check-record.ts'
import { failIfNotAwaited, type CheckControl, type GuardedTest } from './await-guard.ts'
import { assertBlock, assertBudgetName, assertInTest, assertNotNegated } from './call-checks.ts'
import { budgetCheck, leakCheck, type CheckEnvironment } from './check-runs.ts'

interface MatcherContext {
  isNot: boolean
  /** The test the check runs in; none in beforeAll and afterAll hooks. */
  task?: { meta: TaskMeta; type?: string; result?: { retryCount?: number; repeatCount?: number } } & GuardedTest
}

interface MatcherResult {
  pass: boolean
  message: () => string
}

export interface MatcherEnvironment extends CheckEnvironment {
  budgetsPath: string
  /** This run records budgets (vitest -u, not in CI). */
  recording?: boolean
}

/**
 * The Vitest adapter: validates arguments, resolves the budget, hands the block to the engine and
 * the measurement to the judge, and returns what expect.extend wants. Everything that can be wrong
 * with the call is thrown before the first cycle runs.
 */
export function createMatchers(environment: MatcherEnvironment) {
  const { budgetsPath } = environment
  let running: { call: string; overlapped: boolean } | undefined

  /**
   * Runs one check at a time per worker: two at once would read each other's memory
   * (test.concurrent). The guard may release the lock of a check it abandoned (its block never
   * settled); the check's own finally then leaves alone a lock another check holds by then.
   *
   * Every check that starts leaves exactly one record in its test's meta: its verdict, or how it
   * was cut short (refused, stopped by an error, abandoned by the guard) and where. A check the
   * guard abandoned records nothing more, however it ends.
   */
  function exclusive<T>(context: MatcherContext, plan: CheckPlan, progress: CheckProgress, run: (note: (check: CheckRecord) => void) => Promise<T>) {
    const { call, kind } = plan
    const token = { call, overlapped: false }
    const attempt = attemptOf(context.task)
    const started = now()
    let noted = false
    const note = (check: CheckRecord) => {
      if (noted) return
      noted = true
      record(context, { ...check, attempt })
    }
    const cut = (verdict: CheckCut['verdict'], reason: string, where: string) =>
      note(cutRecord(plan, { verdict, reason, where }, now() - started))
    const release = () => {
      if (running === token) running = undefined
    }
    const check = (async () => {
      if (running) {
        running.overlapped = true
        // No cycle ran: no where.
        cut('aborted', `refused: ${running.call} was measuring in the same worker`, '')
        throw new Error(
          `${call} started while ${running.call} was still measuring in the same worker. Memory checks read the ` +
            'whole heap and cannot overlap: run them in tests that are not concurrent.',
        )
      }
      running = token
      try {
        return await run(note)
      } catch (error) {
        if (error instanceof CheckRefused) cut('aborted', `refused: ${firstLine(error)}`, '')
        else if (!(error instanceof CheckAborted)) cut('aborted', `error: ${firstLine(error)}`, describeProgress(progress, kind, plan.cycles, { state: false }))
        // A thrown Error is the user's own and passes as it is; anything else is named, with its cycle.
        if (error instanceof BlockThrewNonError) throw new Error(`${call}: ${describeThrow(error, kind, plan.cycles)}`, { cause: error.value })
        throw error
      } finally {
        release()
      }
    })()
    const control: CheckControl = {
      where: () => describeProgress(progress, kind, plan.cycles),
      timeSpent: () => describeTimeSpent(progress),
      abort: () => {
        progress.aborted = true
      },
      // The guard gave up waiting for the check: its own cleanup may never run.
      release: () => {
        release()
        removeAbandonedFolder(progress)
      },
      overlapped: () => token.overlapped,
      recordCut: (cause, where) =>
        cause === 'timed out' ? cut('timed out', 'the test timed out', where) : cut('aborted', 'not awaited: its test ended first', where),
    }
    return { check, control }
  }

  return {
    toStayWithinMemoryBudget(this: MatcherContext, block: unknown, name: unknown, overrides?: unknown): Promise<MatcherResult> {
      const call = `expect(block).${this.isNot ? 'not.' : ''}toStayWithinMemoryBudget(${JSON.stringify(name)})`
      assertNotNegated(this.isNot, call)
      const test = assertInTest(this.task, call)
      assertBlock(block, call)
      assertBudgetName(name, call)
      const { budget, recording, missing } = resolveBudgetForRun(budgetsPath, name, overrides, environment.recording ?? false)
      const progress = new CheckProgress()
      const plan: CheckPlan = { call, kind: 'budget', matcher: 'toStayWithinMemoryBudget', budget: budget.name, budgetFile: budget.file, cycles: budget.cycles, warmup: budget.warmup }
      const { check, control } = exclusive(this, plan, progress, async (note) => {
        const { pass, message, record } = await budgetCheck(block, { budget, recording, missing, overrides }, environment, progress)
        note(record)
        return { pass, message }
      })
      failIfNotAwaited(check, call, test, control)
      return settleAbandoned(check, false)
    },

    /** pass means "leaks": use it as `.not.toLeakMemory()`. */
    toLeakMemory(this: MatcherContext, block: unknown, options?: unknown): Promise<MatcherResult> {
      const call = `expect(block).${this.isNot ? 'not.' : ''}toLeakMemory()`
      const test = assertInTest(this.task, call)
      assertBlock(block, call)
      const plan = resolveLeakOptions(options)
      const progress = new CheckProgress()
      const { check, control } = exclusive(this, { call, kind: 'leak', matcher: 'toLeakMemory', cycles: plan.cycles, warmup: plan.warmup }, progress, async (note) => {
        const { pass, message, record } = await leakCheck(block, plan, environment, progress)
        note(record)
        return { pass, message }
      })
      failIfNotAwaited(check, call, test, control)
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

/** What a check is, for its record if it is cut short. */
interface CheckPlan extends Pick<CheckRecord, 'matcher' | 'budget' | 'budgetFile' | 'cycles' | 'warmup'> {
  call: string
  kind: 'budget' | 'leak'
}

/** The attempt of the test under way (Vitest's retry and repeats), as its result counts it. */
function attemptOf(task: MatcherContext['task']): CheckAttempt {
  return { retry: task?.result?.retryCount ?? 0, repeat: task?.result?.repeatCount ?? 0 }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n', 1)[0]!
}

function record(context: MatcherContext, check: CheckRecord): void {
  if (!context.task) return
  ;(context.task.meta[META_KEY] ??= []).push(check)
}
