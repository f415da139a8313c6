import { formatRate, formatSize } from './sizes.ts'
import type { LeakNotRecorded } from './record-budget.ts'

/**
 * The words for a leak that `vitest -u` did not record (record-budget.ts, leaksNotRecorded): in the
 * failing check's message, and in the terminal's list of what the run recorded.
 */

/** Where the user allows a leak by hand: the budget file's entry, a new entry, or the check's code. */
export type AllowIn =
  | { kind: 'entry' | 'new entry'; budget: string; file: string }
  /** The check passes `leak` as an override: the file's value would not apply. */
  | { kind: 'override' }

/**
 * What confirmed one leak, in a line:
 * @example 'candidate keeps objects every cycle: LeakedEvent (30 in 30 cycles)'
 * @example 'baseline grows 1.06 kB/cycle, steady in both halves (1.1 kB/cycle then 1 kB/cycle)'
 */
export function describeLeak({ subject, confirmedBy }: LeakNotRecorded): string {
  if (confirmedBy.kind === 'objects') {
    const groups = confirmedBy.groups.map((group) => `${group.name} (${group.count} in ${confirmedBy.cycles} cycles)`).join(', ')
    return `${subject} keeps objects every cycle: ${groups}`
  }
  const { perCycle, firstHalf, secondHalf } = confirmedBy
  return `${subject} grows ${formatRate(perCycle)}, steady in both halves (${formatRate(firstHalf)} then ${formatRate(secondHalf)})`
}

/** The limit that lets every one of `leaks` pass, as written in a budget file: `"1.3 kB"`. */
export function allowanceText(leaks: readonly LeakNotRecorded[]): string {
  return formatSize(Math.max(...leaks.map((leak) => leak.allowance)))
}

/**
 * Appended, under `vitest -u`, to the message of a budget check that leaks: it fails, and says why
 * nothing was recorded, what confirmed the leak, and how to allow it.
 *
 *   vitest -u did not record budget "leaky": it leaks, and -u never records a leak as allowed.
 *     candidate keeps objects every cycle: LeakedEvent (30 in 30 cycles)
 *   To allow the leak, write "leak": "1.3 kB" in budget "leaky" of /project/memory-budgets.json by hand; or fix it.
 */
export function formatLeaksNotRecorded(budget: string, leaks: readonly LeakNotRecorded[], allowIn: AllowIn): string {
  const limit = JSON.stringify(allowanceText(leaks))
  const allow =
    allowIn.kind === 'override'
      ? `raise the "leak" this check overrides in its code to ${limit}`
      : allowIn.kind === 'entry'
        ? `write "leak": ${limit} in budget ${JSON.stringify(allowIn.budget)} of ${allowIn.file} by hand`
        : `add ${JSON.stringify(allowIn.budget)}: { "leak": ${limit} } to "budgets" in ${allowIn.file} by hand`
  return [
    `vitest -u did not record budget ${JSON.stringify(budget)}: it leaks, and -u never records a leak as allowed.`,
    ...leaks.map((leak) => `  ${describeLeak(leak)}`),
    `To allow the leak, ${allow}; or fix it.`,
  ].join('\n')
}
