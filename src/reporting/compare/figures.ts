import { Z_95 } from '../../engine/robust-line.ts'
import type { Subject } from '../../verdict/judge.ts'
import type { ReportCheck } from '../report-model.ts'
import { PAGE_RETAINED_FLOOR } from './noise.ts'

/** The figures of a check that two runs compare, by the budget key that limits each. */
export type FigureKey = 'retained' | 'leak' | 'allocated' | 'direct' | 'peak' | 'objects'

/** Bytes, bytes per cycle, or a count of objects. */
export type FigureUnit = 'B' | 'B/cycle' | 'objects'

/**
 * One figure of one run, with how far its 95% interval reaches below and above it: the report's
 * own uncertainty for it, so that a comparison can tell a change from noise (noise.ts).
 */
export interface Figure {
  key: FigureKey
  /** The leak's variant (`baseline`, `candidate`, `block`), the objects' constructor. */
  of?: string
  unit: FigureUnit
  value: number
  below: number
  above: number
  /** The least change this figure can show, where more than its key's floor (noise.ts): a page's retained memory. */
  floor?: number
}

/**
 * A check's figures, in a fixed order: retained, leak per variant, allocated, direct, peak, then
 * objects per constructor. Only what the check measured: a check cut short has none, one without
 * the allocation pass no allocated, direct or peak.
 *
 * Where each one's uncertainty comes from:
 * - retained: its 95% half-width from heap statistics, 0 when heap snapshots gave the exact figure;
 * - leak: the slope's own 95% interval (Theil-Sen: not symmetric, so each side as it is);
 * - allocated: the sampling error the judge uses (95%, both variants), from the `allocated`
 *   finding when the budget limits it, else worked out as the judge does, from the sampling
 *   interval, the variants' volumes and the cycles;
 * - direct: the `direct` finding's, else the allocated figure's (a part of the volume is sampled
 *   at least as closely as the whole);
 * - peak: the shift's 95% interval (`low`, `high`);
 * - objects: the `objects` findings' counts beyond the baseline, exact (read from heap snapshots).
 */
export function figuresOf(check: ReportCheck): Figure[] {
  if (check.cut) return []
  const figures: Figure[] = []
  if (check.retained) {
    const { bytes, uncertainty } = check.retained
    figures.push({ key: 'retained', unit: 'B', value: bytes, below: uncertainty, above: uncertainty, ...(check.browser && { floor: PAGE_RETAINED_FLOOR }) })
  }
  for (const subject of ['baseline', 'candidate', 'block'] as const satisfies readonly Subject[]) {
    const growth = check[subject]?.growth
    if (!growth) continue
    const { perCycle, low, high } = growth
    figures.push({ key: 'leak', of: subject, unit: 'B/cycle', value: perCycle, below: Math.max(0, perCycle - low), above: Math.max(0, high - perCycle) })
  }
  const allocations = check.allocations
  if (allocations) {
    const sampling = findingUncertainty(check, 'allocated') ?? samplingError(check)
    figures.push({ key: 'allocated', unit: 'B/cycle', value: allocations.bytesPerCycle.extra, below: sampling, above: sampling })
    if (allocations.split) {
      const error = findingUncertainty(check, 'direct') ?? sampling
      figures.push({ key: 'direct', unit: 'B/cycle', value: allocations.split.direct.bytesPerCycle, below: error, above: error })
    }
    // Browser mode measures no peak: its checks have none to compare.
    if (allocations.cyclePeak) {
      const { extra, low, high } = allocations.cyclePeak
      figures.push({ key: 'peak', unit: 'B', value: extra, below: Math.max(0, extra - low), above: Math.max(0, high - extra) })
    }
  }
  for (const finding of check.findings) {
    if (finding.key !== 'objects' || !finding.group) continue
    figures.push({ key: 'objects', of: finding.group.name, unit: 'objects', value: finding.measured, below: 0, above: 0 })
  }
  return figures
}

/** `leak (candidate)`, `objects EE`, `allocated`: how a figure is named in messages and tables. */
export function figureLabel(figure: Pick<Figure, 'key' | 'of'>): string {
  if (figure.of === undefined || figure.of === 'block') return figure.key
  return figure.key === 'objects' ? `objects ${figure.of}` : `${figure.key} (${figure.of})`
}

function findingUncertainty(check: ReportCheck, key: 'allocated' | 'direct'): number | undefined {
  return check.findings.find((finding) => finding.key === key)?.uncertainty
}

/**
 * The allocation sampler's error on the extra volume, 95%, as judge.ts's allocationFindings has
 * it: each variant's standard error is sqrt(interval x total bytes) / cycles.
 */
function samplingError({ allocations, cycles }: ReportCheck): number {
  if (!allocations || cycles <= 0) return 0
  const { samplingInterval, bytesPerCycle } = allocations
  const error = (perCycle: number) => Math.sqrt(samplingInterval * Math.max(0, perCycle) * cycles) / cycles
  return Z_95 * Math.hypot(error(bytesPerCycle.baseline), error(bytesPerCycle.candidate))
}
