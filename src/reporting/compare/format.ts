import { formatSignedSize, formatSize } from '../../budgets/sizes.ts'
import type { CheckComparison, CheckKey, FigureComparison } from './comparison.ts'
import { figureLabel, type FigureUnit } from './figures.ts'

/**
 * How a comparison's figures read, in the markdown and in messages alike.
 * @example formatFigure(150_000, 'B/cycle') //=> '150 kB/cycle'
 */
export function formatFigure(value: number, unit: FigureUnit): string {
  if (unit === 'objects') return `${value}`
  return unit === 'B/cycle' ? `${formatSize(value)}/cycle` : formatSize(value)
}

/** @example formatDelta(200_000, 'B/cycle') //=> '+200 kB/cycle' */
export function formatDelta(delta: number, unit: FigureUnit): string {
  if (unit === 'objects') return delta > 0 ? `+${delta}` : `${delta}`
  const size = formatSignedSize(delta)
  return unit === 'B/cycle' ? `${size}/cycle` : size
}

/** A share, signed, whole percents unless under 1%: `+133%`, `-12%`, `+0.4%`. */
export function formatShare(relative: number): string {
  const percent = relative * 100
  const shown = Math.abs(percent) < 1 ? percent.toFixed(1) : percent.toFixed(0)
  return `${percent > 0 ? '+' : ''}${shown.replace(/^-0(\.0)?$/, '0')}%`
}

/** `allocated +200 kB/cycle (+133%)`; the share left out when the base is 0. */
export function formatChange(figure: FigureComparison): string {
  const share = figure.relative === null ? '' : ` (${formatShare(figure.relative)})`
  return `${figureLabel(figure)} ${formatDelta(figure.delta, figure.unit)}${share}`
}

/** `"telemetry" (a.test.ts › sends)`, `toLeakMemory (a.test.ts › cleans up)`, with `[project] ` first when named. */
export function formatCheck(key: CheckKey): string {
  const name = key.budget === undefined ? 'toLeakMemory' : JSON.stringify(key.budget)
  return `${key.project === undefined ? '' : `[${key.project}] `}${name} (${key.file} › ${key.test})`
}

/**
 * A check's change since the base in a few words, for the terminal table: `unchanged`, `new`, the
 * figures that moved (`allocated +200 kB/cycle (+133%), retained +50 kB (+500%)`), a verdict that
 * changed (`was within`), a rename (`renamed from "old"`).
 */
export function formatSince(check: CheckComparison): string {
  if (check.status === 'added') return 'new'
  const parts: string[] = []
  if (check.renamedFrom) parts.push(`renamed from ${check.renamedFrom.test === check.key.test ? JSON.stringify(check.renamedFrom.budget) : `test ${JSON.stringify(check.renamedFrom.test)}`}`)
  if (check.verdictChanged && check.verdict.base) parts.push(`was ${check.verdict.base}`)
  for (const figure of check.figures) if (figure.change !== 'unchanged') parts.push(formatChange(figure))
  return parts.length === 0 ? 'unchanged' : parts.join(', ')
}
