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

/** Bencher Metric Format: benchmark name, then measure name, then the figure and its interval. */
export type BencherMetrics = Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>>

/**
 * A run's figures as Bencher Metric Format JSON (`bencher run --adapter json --file ...`): a
 * benchmark per check, named as in benchmarkEntries, a measure per figure (`retained`,
 * `allocated`, `leak (candidate)`; Bencher creates a measure it does not know by its name), with
 * the figure's 95% interval as its lower and upper values. Checks cut short have no figures.
 */
export function bencherMetrics(report: MemoryReport): BencherMetrics {
  const metrics: BencherMetrics = {}
  for (const check of report.checks) {
    const figures = figuresOf(check)
    if (figures.length === 0) continue
    const measures: BencherMetrics[string] = {}
    for (const figure of figures) {
      measures[figureLabel(figure)] = {
        value: figure.value,
        ...((figure.below > 0 || figure.above > 0) && { lower_value: figure.value - figure.below, upper_value: figure.value + figure.above }),
      }
    }
    metrics[formatCheck(keyOf(check))] = measures
  }
  return metrics
}
