/**
 * Whether this run records budgets, decided once in the main process and handed to the workers, so
 * that a worker never lets a check pass "to be recorded" in a run whose recorder will not write.
 */

/** Vitest's snapshot update mode: `all` under `-u`, `new` by default, `none` under `CI` or `--update=none`. */
export type UpdateMode = 'all' | 'new' | 'none'

export type RecordingDecision =
  | { record: true }
  /** `ci`: `-u` was given but CI is set; `not-updating`: no `-u`. */
  | { record: false; reason: 'ci' | 'not-updating' }

/**
 * Budgets are recorded under `vitest -u` only (`all`), and never when `CI` is set, even with `-u`:
 * a budget measured on a CI machine and written to a checkout that is thrown away would let the
 * run pass with nothing recorded. Vitest's own `new` mode writes new snapshots; a new budget is not
 * written in that mode, because a limit deserves the explicit `-u` a reviewer sees in the diff.
 */
export function recordingDecision(update: UpdateMode | undefined, env: Record<string, string | undefined> = process.env): RecordingDecision {
  if (update !== 'all') return { record: false, reason: 'not-updating' }
  if (isCI(env)) return { record: false, reason: 'ci' }
  return { record: true }
}

/** `CI` set to anything but '', 'false' or '0' (as std-env, which Vitest uses, reads it). */
export function isCI(env: Record<string, string | undefined>): boolean {
  const value = env.CI
  return value !== undefined && value !== '' && value !== 'false' && value !== '0'
}
