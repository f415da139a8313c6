import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pidReader, removeLeftovers } from '../budgets/leftovers.ts'

/**
 * The temporary folders heap snapshots are written to: `vitest-memory-budget-<pid>-XXXXXX` in the
 * temp directory, about 30 MB a check. A check removes its own; a killed run (or worker) cannot,
 * so its folders are removed by the next run once their pid is dead. The pid is the process's: in
 * the `threads` and `vmThreads` pools every worker has the main process's, which lives as long as
 * they do.
 */
export const SNAPSHOT_FOLDER_PREFIX = 'vitest-memory-budget-'

/** A new, empty snapshot folder of this process. */
export function makeSnapshotFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), `${SNAPSHOT_FOLDER_PREFIX}${process.pid}-`))
}

/**
 * Removes the snapshot folders in `tmp` of processes that are dead: only names of our own form,
 * never a live process's (another run's, another worker's). Returns the names removed.
 */
export function removeDeadSnapshotFolders(tmp = os.tmpdir()): string[] {
  return removeLeftovers(tmp, ownFolder)
}

// mkdtemp's six random characters after the pid.
const ownFolder = pidReader(SNAPSHOT_FOLDER_PREFIX, '-[A-Za-z0-9]{6}')

let swept = false

/**
 * removeDeadSnapshotFolders once per module instance, for a worker's first snapshots: a worker's
 * temp directory can differ from the main process's (`test.env`), which sweeps its own at start.
 */
export function sweepOnce(): void {
  if (swept) return
  swept = true
  removeDeadSnapshotFolders()
}
