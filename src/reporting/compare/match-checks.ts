import type { ReportCheck } from '../report-model.ts'
import type { CheckKey } from './comparison.ts'

/** A pairing of two runs' checks: matched (maybe under another name), or in one run only. */
export interface CheckMatch {
  base?: ReportCheck
  head?: ReportCheck
  /** Matched under another budget or test name (see matchChecks). */
  renamed?: boolean
}

export function keyOf(check: ReportCheck): CheckKey {
  return {
    ...(check.project !== undefined && { project: check.project }),
    file: check.file,
    test: check.test,
    matcher: check.matcher,
    ...(check.budget !== undefined && { budget: check.budget }),
  }
}

/**
 * Pairs the checks of two runs. First by project, file, test and budget (toLeakMemory by the
 * matcher), the n-th call of a test with the n-th: a test may check the same budget twice. Then,
 * of the checks left, a rename, when it can only be one:
 * - the same test checks one budget under another name (its budget renamed, or swapped for another);
 * - the same budget checked by one test under another name (the test renamed).
 * Where a test or budget has more than one check left on either side, which went where cannot be
 * told, and they are added and removed. The head's order, then the removed in the base's.
 *
 * The project takes part only when both runs name projects: a report written before reports named
 * them (or a run that just moved to `projects`) would otherwise have every check added and removed.
 */
export function matchChecks(base: readonly ReportCheck[], head: readonly ReportCheck[]): CheckMatch[] {
  const named = (checks: readonly ReportCheck[]) => checks.some((check) => check.project !== undefined)
  const projectOf = named(base) && named(head) ? (check: ReportCheck) => check.project : () => undefined
  const baseLeft = new Map<string, ReportCheck>()
  for (const [id, check] of numbered(base, projectOf)) baseLeft.set(id, check)
  const matches: CheckMatch[] = []
  const headLeft: CheckMatch[] = []
  for (const [id, check] of numbered(head, projectOf)) {
    const match: CheckMatch = { head: check }
    const same = baseLeft.get(id)
    if (same) {
      match.base = same
      baseLeft.delete(id)
    } else {
      headLeft.push(match)
    }
    matches.push(match)
  }
  const byTest = (check: ReportCheck) => JSON.stringify([projectOf(check), check.file, check.test, check.matcher])
  const byBudget = (check: ReportCheck) => (check.budget === undefined ? undefined : JSON.stringify([projectOf(check), check.file, check.budget]))
  for (const groupOf of [byTest, byBudget]) {
    for (const match of headLeft) {
      if (match.base) continue
      const group = groupOf(match.head!)
      if (group === undefined) continue
      const candidates = [...baseLeft].filter(([, check]) => groupOf(check) === group)
      const rivals = headLeft.filter((other) => !other.base && groupOf(other.head!) === group)
      if (candidates.length !== 1 || rivals.length !== 1) continue
      const [[id, check]] = candidates as [[string, ReportCheck]]
      match.base = check
      match.renamed = true
      baseLeft.delete(id)
    }
  }
  return [...matches, ...[...baseLeft.values()].map((check) => ({ base: check }))]
}

/** Each check with its identity: its key (its project as `projectOf` says) and which call of that key in its test it is. */
function numbered(checks: readonly ReportCheck[], projectOf: (check: ReportCheck) => string | undefined): Array<[string, ReportCheck]> {
  const seen = new Map<string, number>()
  return checks.map((check) => {
    const project = projectOf(check)
    const key = JSON.stringify(keyOf({ ...check, ...(project === undefined ? { project: undefined } : { project }) }))
    const nth = seen.get(key) ?? 0
    seen.set(key, nth + 1)
    return [`${key}#${nth}`, check]
  })
}
