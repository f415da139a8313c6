import { readdirSync, rmSync } from 'node:fs'
import path from 'node:path'

/**
 * Files a process names with its pid (the budget file's lock and temporary files, the heap snapshot
 * folders) outlive it when it is killed: no `finally` runs after `kill -9`. Whoever comes next
 * removes those whose process is dead, and never a live process's, whoever's it is.
 */

/** Whether a process with this pid exists: ours, or another user's (EPERM). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' // alive, someone else's
  }
}

/**
 * Removes the entries of `dir` (files, or folders with their contents) whose name `pidOf` reads a
 * pid from, when that process is dead. Names it returns undefined for are not ours and are left
 * alone. Best effort: a folder that cannot be read, or an entry that cannot be removed (another
 * user's, in a shared temp folder), is left as it is. Returns the names removed.
 */
export function removeLeftovers(dir: string, pidOf: (name: string) => number | undefined): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const pid = pidOf(name)
    if (pid === undefined || pid <= 0 || isAlive(pid)) continue
    try {
      rmSync(path.join(dir, name), { recursive: true, force: true })
      removed.push(name)
    } catch {
      // Not ours to remove after all (permissions): it stays.
    }
  }
  return removed
}

/** The pid in a name `prefix<pid><rest>` where `rest` matches `restPattern`'s source, else undefined. */
export function pidReader(prefix: string, restPattern: string): (name: string) => number | undefined {
  const pattern = new RegExp(`^${escapeRegExp(prefix)}(\\d+)${restPattern}$`)
  return (name) => {
    const match = pattern.exec(name)
    return match ? Number(match[1]) : undefined
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
