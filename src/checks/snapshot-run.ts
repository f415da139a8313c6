import { rmSync } from 'node:fs'
import path from 'node:path'
import v8 from 'node:v8'
import { formatSize } from '../budgets/sizes.ts'
import { CheckAborted, type CheckProgress } from '../engine/progress.ts'
import type { AnalysisResult, PhaseRequest } from '../engine/snapshots/analyse.ts'
import { analyseInThread } from '../engine/snapshots/analyse-in-thread.ts'
import type { ObjectEvidence, Verdict } from '../verdict/judge.ts'
import { makeSnapshotFolder, sweepOnce } from './snapshot-folders.ts'

/**
 * Heaps above this are not snapshotted unless the project raises the limit (memoryBudget({
 * snapshotHeapLimit })): writing one takes about 0.1-0.15 s per MB of heap (20 s at 200 MB, 80 s at
 * 500 MB, with 3-4 times the file in memory), and reading it about as long again, two or three times
 * per check. By default a check says why it did not read objects, rather than run for minutes.
 */
export const MAX_SNAPSHOT_HEAP = 150_000_000

export interface SnapshotOptions {
  /** Bytes of heap above which no snapshot is written (MAX_SNAPSHOT_HEAP when not given). */
  snapshotHeapLimit?: number
}

/**
 * Why the measured heap is not snapshotted under `limit`, or undefined when it is. `page`: the
 * post-GC bytes of a browser page the check measures (HeapProbe.remote), instead of this worker's.
 */
export function snapshotRefusal(limit = MAX_SNAPSHOT_HEAP, page?: number): string | undefined {
  const used = page ?? v8.getHeapStatistics().used_heap_size
  if (used <= limit) return undefined
  const holder = page === undefined ? 'worker' : 'page'
  // About 0.15 s a MB to write (bench/RESULTS.md): in tens of seconds, or in seconds below ten.
  const seconds = (used * 0.15) / 1e6
  return (
    `the ${holder}'s heap holds ${formatSize(used)}, over the ${formatSize(limit)} that heap snapshots are taken of ` +
    `(each would take some ${seconds < 10 ? Math.max(1, Math.ceil(seconds)) : Math.ceil(seconds / 10) * 10} s to write and as long to read); measure in a test file of its own, ` +
    `so that the ${holder} holds less, or raise memoryBudget({ snapshotHeapLimit }) and the test's timeout`
  )
}

/**
 * Runs `work` with a fresh temporary folder for snapshots, and removes it when `work` ends. A check
 * whose block never settles never ends: the folder is also registered on its `progress`, for
 * whoever abandons the check to remove (removeAbandonedFolder). The first call in a module also
 * removes the folders dead processes left (a killed run's).
 */
export async function inSnapshotDir<T>(work: (dir: string) => Promise<T>, progress?: CheckProgress): Promise<T> {
  sweepOnce()
  const dir = makeSnapshotFolder()
  if (progress) progress.snapshotDir = dir
  try {
    return await work(dir)
  } catch (error) {
    const gone = folderGone(error, dir)
    // Abandoned, and its folder removed by the guard: nobody reads this check's result any more.
    if (gone && progress?.aborted) throw new CheckAborted('the check was abandoned', { cause: error })
    throw gone ?? error
  } finally {
    rmSync(dir, { recursive: true, force: true })
    if (progress?.snapshotDir === dir) progress.snapshotDir = undefined
  }
}

/**
 * Removes the snapshot folder of a check that was abandoned (its test timed out, or nobody awaited
 * it): a block that never settles holds the check, and its `finally`, forever.
 */
export function removeAbandonedFolder(progress: CheckProgress): void {
  const dir = progress.snapshotDir
  if (dir === undefined) return
  progress.snapshotDir = undefined
  rmSync(dir, { recursive: true, force: true })
}

/**
 * A bare `ENOENT: no such file or directory, open '/tmp/vitest-memory-budget-…'` says nothing of
 * why: something removed the check's folder while it ran (a temp cleaner, a script clearing /tmp).
 */
function folderGone(error: unknown, dir: string): Error | undefined {
  const { code, path: file } = (error ?? {}) as { code?: unknown; path?: unknown }
  if (code !== 'ENOENT' || typeof file !== 'string' || !file.startsWith(dir + path.sep)) return undefined
  return new Error(
    `vitest-memory-budget: the heap snapshot ${file} is gone: its temporary folder ${dir} was removed while the check ` +
      'ran, by something outside the plugin (a temp-folder cleaner, a script clearing the temp directory). Nothing was ' +
      'measured wrong; run the test again once nothing removes that folder.',
    { cause: error },
  )
}

export type SubjectPhase = PhaseRequest & { subject: keyof ObjectEvidence }

export interface JudgedWithObjects {
  verdict: Verdict
  evidence: ObjectEvidence
  /** Time spent parsing and diffing snapshots (and explaining them), in the analysis thread. */
  analysisMs: number
}

/**
 * Reads what each phase left behind, in a thread of its own, and judges with that evidence. The
 * top groups' retained sizes and retainer paths come in the same pass (explain.ts): they reuse the
 * parsed snapshot, where looking them up only for a failing verdict would parse it again.
 */
export async function judgeWithObjects(phases: SubjectPhase[], judge: (evidence: ObjectEvidence) => Verdict): Promise<JudgedWithObjects> {
  const analysis = await analyseInThread({ phases, explain: true })
  const evidence = evidenceOf(analysis, phases)
  return { verdict: judge(evidence), evidence, analysisMs: analysis.durationMs }
}

function evidenceOf(analysis: AnalysisResult, phases: SubjectPhase[]): ObjectEvidence {
  const evidence: ObjectEvidence = {}
  analysis.phases.forEach((phase, index) => {
    evidence[phases[index]!.subject] = phase
  })
  return evidence
}
