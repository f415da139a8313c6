import { expect, test } from 'vitest'
import { bencherMetrics, benchmarkEntries } from '../../../src/reporting/compare/benchmark-export.ts'
import { budgetCheck, leakCheck, report } from '../../helpers/memory-reports.ts'

test("github-action-benchmark's customSmallerIsBetter: an entry per check and figure, named to be followed across runs, with its interval", () => {
  const cut = { ...leakCheck(0, { test: 'hangs', verdict: 'timed out' }), cut: { reason: 'the test timed out', where: 'cycle 3 of 20' } }
  const run = report([
    budgetCheck('telemetry', { project: 'node', retained: 1_234.4, baseline: 10.6, candidate: -4, allocated: { baseline: 100_000, candidate: 250_000 }, peak: { extra: 9_000, low: 8_000, high: 12_000 } }),
    leakCheck(3, { halfWidth: 0 }),
    cut,
  ])
  // allocated: 1.96 x hypot(sqrt(512 x 100 kB x 20) / 20, sqrt(512 x 250 kB x 20) / 20) = 1.96 x hypot(1600, 2530)
  const telemetry = '[node] "telemetry" (telemetry.test.ts › telemetry stays within budget)'
  expect(benchmarkEntries(run)).toEqual([
    { name: `${telemetry} › retained`, unit: 'bytes', value: 1234, range: '± 400', extra: 'verdict: within' },
    { name: `${telemetry} › leak (baseline)`, unit: 'bytes/cycle', value: 11, range: '± 20', extra: 'verdict: within' },
    { name: `${telemetry} › leak (candidate)`, unit: 'bytes/cycle', value: -4, range: '± 20', extra: 'verdict: within' },
    { name: `${telemetry} › allocated`, unit: 'bytes/cycle', value: 150_000, range: '± 5867', extra: 'verdict: within' },
    { name: `${telemetry} › peak`, unit: 'bytes', value: 9_000, range: '± 3000', extra: 'verdict: within' },
    { name: 'toLeakMemory (client.test.ts › a connection cycle leaks nothing) › leak', unit: 'bytes/cycle', value: 3, extra: 'verdict: within' },
  ])
})

test('Bencher Metric Format: a benchmark per check, a measure per figure with its interval; a check cut short has none', () => {
  const cut = { ...leakCheck(0, { test: 'hangs', verdict: 'timed out' }), cut: { reason: 'the test timed out', where: '' } }
  const run = report([budgetCheck('cache', { retained: 60_000, retainedUncertainty: 500, leakHalfWidth: 0, objects: { Entry: 3 } }), cut])
  expect(bencherMetrics(run)).toEqual({
    '"cache" (telemetry.test.ts › cache stays within budget)': {
      retained: { value: 60_000, lower_value: 59_500, upper_value: 60_500 },
      'leak (baseline)': { value: 0 },
      'leak (candidate)': { value: 0 },
      'objects Entry': { value: 3 },
    },
  })
})
