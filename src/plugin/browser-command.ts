// The Node side of a memory check in browser mode: a Vitest browser command, run in the main process
// where Playwright's page and its DevTools protocol session live. The page keeps only the block and a
// runner for it (browser-setup.ts); the cycles, full GCs and readings are driven from here, so that
// nothing of the tool allocates in the heap being measured but one call of the runner a cycle.
import type { BrowserCommandContext } from 'vitest/node'
import { resolveLeakOptions } from '../budgets/resolve-budget.ts'
import { resolveBudgetForRun } from '../budgets/resolve-for-update.ts'
import { cdpCensus, createCdpProbe, findContext, type ProtocolSession } from '../engine/cdp-probe.ts'
import type { Block, HeapProbe } from '../engine/cycles.ts'
import { BlockThrewNonError, describeThrow } from '../engine/block-failure.ts'
import { now, ownSetTimeout } from '../engine/own-timers.ts'
import { CheckAborted, CheckProgress, describeProgress, describeTimeSpent } from '../engine/progress.ts'
import { CheckRefused } from '../checks/outcome.ts'
import { cutRecord, type CheckRecord } from '../reporting/check-record.ts'
import { ABANDON_WAIT_MS } from './abandon-wait.ts'
import { PROVIDE_KEY } from './browser-names.ts'
import { pageFiles } from './page-files.ts'
import { budgetCheck, leakCheck, type CheckEnvironment, type CheckResult } from './check-runs.ts'
import type { WorkerOptions } from './options.ts'

export type BrowserCheckRequest = {
  /** Property of the top window where the page put the runner of this check's block. */
  runner: string
  call: string
} & ({ matcher: 'toLeakMemory'; options?: unknown } | { matcher: 'toStayWithinMemoryBudget'; name: string; overrides?: unknown })

/**
 * A verdict, or the error that stopped the check (the page throws it as the test's failure); both
 * with the check's record, so that every check that started has its row, as in Node.
 */
export type BrowserCheckResult =
  | {
      /** Whether the matcher passes, as expect.extend means it (for toLeakMemory: the block leaks). */
      pass: boolean
      message: string
      record: CheckRecord
    }
  | { error: { name: string; message: string; stack?: string }; record: CheckRecord }

/** What a page needs to be measured: the session to its DevTools protocol, and the probe over it, made once. */
interface PageProbe {
  session: ProtocolSession
  probe: HeapProbe
  /** `Chromium 156.0.7632.45`, for the report. */
  browser: string
}

const probes = new WeakMap<object, Promise<PageProbe>>()
/** The check measuring each page now, by its session. */
const measuring = new WeakMap<ProtocolSession, { call: string }>()

interface RunningCheck {
  progress: CheckProgress
  run: PlannedRun
  started: number
  /** Known once the page's probe is. */
  browser: string
  /** Lets the page's next check start, once this one measures. */
  release?: () => void
}

/** Checks under way, by runner, so that the page can stop one whose test ended. */
const running = new Map<string, RunningCheck>()

/** What the page learns of a check it stopped because its test ended first: where it was, and its row. */
export interface BrowserCheckCut {
  where: string
  /** Where the check's time went, for a timed-out test's message. */
  timeSpent: string
  record: CheckRecord
}

/**
 * The function the runner is called through, the same text every cycle: V8 compiles it once. It
 * runs in the top window, whose `Error` is not the test frame's: an Error is known by its tag. What
 * the block throws comes back by value (an Error's name, message and stack, to be thrown here as the
 * user's own; anything else as it is when a primitive, as its text when not), with whether it was
 * thrown or its promise rejected.
 */
const CALL_RUNNER = `async function (enabled, cycle) {
  const describe = (thrown, rejected) => Object.prototype.toString.call(thrown) === '[object Error]'
    ? { name: thrown.name, message: thrown.message, stack: thrown.stack }
    : { value: thrown !== null && (typeof thrown === 'object' || typeof thrown === 'function') ? String(thrown) : thrown, rejected }
  let returned
  try {
    returned = this(enabled, cycle)
  } catch (thrown) {
    return describe(thrown, false)
  }
  try {
    await returned
  } catch (thrown) {
    return describe(thrown, true)
  }
}`

interface Thrown {
  name?: string
  message?: string
  stack?: string
  value?: unknown
  rejected?: boolean
}

export async function runBrowserCheck(context: BrowserCommandContext, request: BrowserCheckRequest): Promise<BrowserCheckResult> {
  // Everything that can be wrong with the call is thrown before the page is touched, as in Node.
  const options = context.project.getProvidedContext()[PROVIDE_KEY as never] as WorkerOptions | undefined
  if (!options) throw new Error(`${request.call}: the plugin gave this project no options (vitest-memory-budget's memoryBudget() is not in its config?)`)
  const run = request.matcher === 'toLeakMemory' ? leakRun(resolveLeakOptions(request.options)) : budgetRun(options, request.name, request.overrides)
  // Known before the first await: the page may stop the check (its test ended) while the page's probe is still being made.
  const progress = new CheckProgress()
  const started = now()
  const check: RunningCheck = { progress, run, started, browser: '' }
  running.set(request.runner, check)
  let objectId: string | undefined
  try {
    const { session, probe, browser } = await pageProbe(context, request.call)
    check.browser = browser
    // Two checks at once would read each other's memory (test.concurrent): the second is refused.
    const busy = measuring.get(session)
    if (busy) {
      throw new Error(
        `${request.call} started while ${busy.call} was still measuring in the same page. Memory checks read the ` +
          'whole heap and cannot overlap: run them in tests that are not concurrent.',
      )
    }
    const token = { call: request.call }
    measuring.set(session, token)
    check.release = () => {
      if (measuring.get(session) === token) measuring.delete(session)
    }
    // The census counts the collections of the test's frame, whose context the runner was made in;
    // found first, since finding it drops the session's remote objects.
    const runnerExpression = `globalThis.top[${JSON.stringify(request.runner)}]`
    const contextId = await findContext(session, `Object.getPrototypeOf(${runnerExpression}) === Function.prototype`)
    const runner = (await session.send('Runtime.evaluate', { expression: runnerExpression })) as { result: { objectId?: string; type: string } }
    objectId = runner.result.objectId
    if (runner.result.type !== 'function' || !objectId) throw new Error(`${request.call}: the page's runner for this check was not found (the test ended?)`)
    const checkProbe: HeapProbe = { ...probe, ...(contextId !== undefined && { census: cdpCensus(session, contextId) }) }
    const environment = { probe: checkProbe, root: options.root, headroom: options.headroom, snapshots: { snapshotHeapLimit: options.snapshotHeapLimit } }
    const result = await run.check(remoteBlock(session, objectId, progress), environment, progress)
    if (objectId) await session.send('Runtime.releaseObject', { objectId }).catch(() => {})
    return { pass: result.pass, message: result.message(), record: { ...result.record, browser } }
  } catch (thrown) {
    const error = thrown instanceof CheckAborted
      ? new Error(`${request.call} was stopped: its test ended`)
      : thrown instanceof BlockThrewNonError ? new Error(`${request.call}: ${describeThrow(thrown, run.kind, run.cycles)}`) : (thrown as Error)
    const reason = thrown instanceof CheckAborted ? 'its test ended first' : `${thrown instanceof CheckRefused ? 'refused' : 'error'}: ${error.message.split('\n', 1)[0]}`
    // A refused check ran no cycle: no where.
    const where = thrown instanceof CheckRefused ? '' : describeProgress(progress, run.kind, run.cycles, { state: false })
    const record = { ...cutRecord(run.plan, { verdict: 'aborted', reason, where }, now() - started), browser: check.browser }
    return { error: { name: error.name, message: error.message, ...(error.stack && { stack: error.stack }) }, record }
  } finally {
    check.release?.()
    running.delete(request.runner)
  }
}

interface PlannedRun {
  kind: 'budget' | 'leak'
  cycles: number
  /** What the check is, for its record if it is cut short. */
  plan: Parameters<typeof cutRecord>[0]
  check: (block: Block, environment: CheckEnvironment, progress: CheckProgress) => Promise<CheckResult>
}

function leakRun(plan: ReturnType<typeof resolveLeakOptions>): PlannedRun {
  return {
    kind: 'leak',
    cycles: plan.cycles,
    plan: { matcher: 'toLeakMemory', cycles: plan.cycles, warmup: plan.warmup },
    check: (block, environment, progress) => leakCheck(block, plan, environment, progress),
  }
}

/** The budget resolved for this run, as the Node matcher resolves it (a bad file or override throws here). */
function budgetRun(options: WorkerOptions, name: string, overrides: unknown): PlannedRun {
  const { budget, recording, missing } = resolveBudgetForRun(options.budgetsPath, name, overrides, options.recording ?? false)
  return {
    kind: 'budget',
    cycles: budget.cycles,
    plan: { matcher: 'toStayWithinMemoryBudget', budget: budget.name, budgetFile: budget.file, cycles: budget.cycles, warmup: budget.warmup },
    check: (block, environment, progress) => budgetCheck(block, { budget, recording, missing, overrides }, environment, progress),
  }
}

/**
 * The page's test ended with its check still running (it timed out, or went on without awaiting):
 * the check stops at its next cycle, and the page gets its row, cut where it was, as the Node
 * matchers record it (await-guard.ts). Nothing when the check had already ended.
 */
export function abortBrowserCheck(_context: BrowserCommandContext, runner: string, cause: 'timed out' | 'not awaited'): BrowserCheckCut | undefined {
  const check = running.get(runner)
  if (!check) return undefined
  const { progress, run, started, browser } = check
  const where = describeProgress(progress, run.kind, run.cycles)
  const timeSpent = describeTimeSpent(progress)
  progress.aborted = true
  // A block that never settles never lets the check stop: the page's next check need not wait for it.
  ownSetTimeout(() => check.release?.(), ABANDON_WAIT_MS)
  const cut = cause === 'timed out' ? { verdict: 'timed out' as const, reason: 'the test timed out' } : { verdict: 'aborted' as const, reason: 'not awaited: its test ended first' }
  return { where, timeSpent, record: { ...cutRecord(run.plan, { ...cut, where }, now() - started), browser } }
}

/**
 * The block, called in the page through its runner: one Runtime.callFunctionOn a cycle, awaiting
 * the block and the page's own settling.
 */
function remoteBlock(session: ProtocolSession, objectId: string, progress: CheckProgress): Block {
  return async ({ enabled, cycle }) => {
    const result = (await session.send('Runtime.callFunctionOn', {
      objectId,
      functionDeclaration: CALL_RUNNER,
      arguments: [{ value: enabled }, { value: cycle }],
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value?: Thrown }; exceptionDetails?: { text: string; exception?: { description?: string } } }
    if (result.exceptionDetails) throw new Error(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text)
    const thrown = result.result.value
    if (thrown) throw pageError(thrown, progress)
  }
}

/**
 * What the block threw in the page: an Error is rebuilt here, the user's own with the page's stack;
 * anything else is named with its cycle, as callBlock names it in Node.
 */
function pageError(thrown: Thrown, progress: CheckProgress): Error {
  if (!('message' in thrown)) return new BlockThrewNonError(thrown.value, thrown.rejected ?? false, Object.assign(new CheckProgress(), progress))
  const error = new Error(thrown.message)
  error.name = thrown.name ?? 'Error'
  if (thrown.stack) error.stack = thrown.stack
  return error
}

/** The page's session and probe, made on its first check. Chromium through Playwright only: the probe speaks the DevTools protocol. */
function pageProbe(context: BrowserCommandContext, call: string): Promise<PageProbe> {
  const page = (context as unknown as { page?: { context(): { newCDPSession(page: unknown): Promise<ProtocolSession>; browser(): { browserType(): { name(): string }; version(): string } | null } } }).page
  const browser = page?.context().browser()?.browserType().name()
  if (context.provider.name !== 'playwright' || !page || browser !== 'chromium') {
    const where = context.provider.name === 'playwright' ? `${browser ?? 'an unknown browser'} through Playwright` : `the ${context.provider.name} provider`
    throw new CheckRefused(`${call}: memory checks in browser mode need Chromium through the Playwright provider (they read the heap over the DevTools protocol); this project runs ${where}.`)
  }
  let made = probes.get(page)
  if (!made) {
    made = (async () => {
      const session = await page.context().newCDPSession(page)
      // The root Vite serves the page's scripts from: allocation sites are named by their files.
      const root = context.project.browser?.vite.config.root ?? context.project.config.root
      return { session, probe: await createCdpProbe(session, pageFiles(root)), browser: `Chromium ${page.context().browser()!.version()}` }
    })()
    probes.set(page, made)
    made.catch(() => probes.delete(page))
  }
  return made
}
