import type { MemoryReport, ReportCheck } from '../report-model.ts'
import type { CheckComparison, Comparison, FigureComparison, Regression, RunOf } from './comparison.ts'
import { compareEnvironments } from './environment.ts'
import { exceeds, type FailOn } from './fail-on.ts'
import { figureLabel, figuresOf, type Figure } from './figures.ts'
import { formatChange, formatCheck } from './format.ts'
import { keyOf, matchChecks, type CheckMatch } from './match-checks.ts'
import { changeOf, noiseBetween } from './noise.ts'

export interface CompareOptions {
  /** Limits on increases; without them nothing is a regression. */
  failOn?: FailOn
}

/**
 * What changed from a base run to a head run: per matched check, per figure both have, base,
 * head, delta and whether the delta is beyond the noise of both (noise.ts); checks added, removed
 * and renamed; verdicts that changed; environments that differ. Pure: reports in, comparison out.
 */
export function compareReports(base: MemoryReport, head: MemoryReport, options: CompareOptions = {}): Comparison {
  const environment = compareEnvironments(base, head)
  const compared = matchChecks(base.checks, head.checks).map(compareMatch)
  const order = (check: CheckComparison) => check.status === 'changed' ? (check.verdictChanged ? 0 : 1) : STATUS_ORDER[check.status]
  const checks = compared.map((check, index) => ({ check, index })).sort((a, b) => order(a.check) - order(b.check) || a.index - b.index).map(({ check }) => check)
  const regressions = options.failOn ? regressionsOf(compared, options.failOn) : []
  const count = (status: CheckComparison['status']) => compared.filter((check) => check.status === status).length
  return {
    base: runOf(base),
    head: runOf(head),
    environment,
    summary: {
      changed: count('changed'),
      unchanged: count('unchanged'),
      added: count('added'),
      removed: count('removed'),
      renamed: compared.filter((check) => check.renamedFrom).length,
      verdictChanged: compared.filter((check) => check.verdictChanged).length,
    },
    checks,
    ...(options.failOn && { failOn: options.failOn }),
    regressions,
    fails: regressions.length > 0 && environment.comparable,
  }
}

const STATUS_ORDER = { changed: 1, added: 2, removed: 3, unchanged: 4 } as const

function runOf(report: MemoryReport): RunOf {
  return { createdAt: report.createdAt, version: report.generator.version, ...(report.shard && { shard: report.shard }) }
}

function compareMatch({ base, head, renamed }: CheckMatch): CheckComparison {
  if (!base) return { status: 'added', key: keyOf(head!), ids: { head: head!.id }, verdict: { head: head!.verdict }, verdictChanged: false, figures: [] }
  if (!head) return { status: 'removed', key: keyOf(base), ids: { base: base.id }, verdict: { base: base.verdict }, verdictChanged: false, figures: [] }
  const figures = compareFigures(base, head)
  const verdict = { base: base.verdict, head: head.verdict }
  const verdictChanged = verdict.base !== verdict.head
  const changed = verdictChanged || figures.some((figure) => figure.change !== 'unchanged')
  return {
    status: changed ? 'changed' : 'unchanged',
    key: keyOf(head),
    ...(renamed && { renamedFrom: keyOf(base) }),
    ids: { base: base.id, head: head.id },
    verdict,
    verdictChanged,
    figures,
  }
}

/** The figures both checks have, paired by key and which (variant, constructor), in the head's order. */
function compareFigures(base: ReportCheck, head: ReportCheck): FigureComparison[] {
  const before = new Map(figuresOf(base).map((figure) => [figureLabel(figure), figure]))
  return figuresOf(head).flatMap((after) => {
    const earlier = before.get(figureLabel(after))
    return earlier ? [compareFigure(earlier, after)] : []
  })
}

function compareFigure(base: Figure, head: Figure): FigureComparison {
  const delta = head.value - base.value
  const noise = noiseBetween(base, head)
  return {
    key: head.key,
    ...(head.of !== undefined && { of: head.of }),
    unit: head.unit,
    base: base.value,
    head: head.value,
    delta,
    relative: base.value === 0 ? null : delta / Math.abs(base.value),
    noise,
    change: changeOf(base, head, noise),
  }
}

function regressionsOf(checks: readonly CheckComparison[], failOn: FailOn): Regression[] {
  return checks.flatMap((check) => check.figures.flatMap((figure) => {
    const limit = failOn[figure.key]
    if (!limit || !exceeds(limit, figure)) return []
    return [{ key: check.key, figure, limit: limit.text, message: `${formatCheck(check.key)}: ${formatChange(figure)}, over the +${limit.text} allowed` }]
  }))
}
