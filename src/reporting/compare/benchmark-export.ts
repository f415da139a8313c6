import type { MemoryReport } from '../report-model.ts'
import { figureLabel, figuresOf } from './figures.ts'
import { formatCheck } from './format.ts'
import { keyOf } from './match-checks.ts'

/** One entry of github-action-benchmark's `customSmallerIsBetter` input. */
export interface BenchmarkEntry {
  name: string
  unit: string
  value: number
  /** The figure's 95% interval, as the tool shows it: `± 1200`. */
  range?: string
  extra?: string
}

/**
 * A run's figures as github-action-benchmark's `customSmallerIsBetter` JSON (`tool:
 * 'customSmallerIsBetter'`): one entry per check and figure, named by the check and the figure so
 * that the tool's history follows each one across runs (`"telemetry" (a.test.ts › sends) ›
 * allocated`). Units are bytes, bytes per cycle, or objects. The tool compares runs by its own
 * threshold, without this package's noise rule: `range` shows the interval. Checks cut short have
 * no figures and no entries.
 */
export function benchmarkEntries(report: MemoryReport): BenchmarkEntry[] {
  return report.checks.flatMap((check) => figuresOf(check).map((figure) => {
    const reach = Math.max(figure.below, figure.above)
    return {
      name: `${formatCheck(keyOf(check))} › ${figureLabel(figure)}`,
      unit: figure.unit === 'B/cycle' ? 'bytes/cycle' : figure.unit === 'B' ? 'bytes' : 'objects',
      value: Math.round(figure.value),
      ...(reach > 0 && { range: `± ${Math.round(reach)}` }),
      extra: `verdict: ${check.verdict}`,
    }
  }))
}
