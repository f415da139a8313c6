import { describe, expect, test } from 'vitest'
import type { ResolvedBudget } from '../../src/budgets/budget.ts'
import type { AllocationMeasurement, AllocationVariant, ExtraSite } from '../../src/engine/allocations/index.ts'
import type { BudgetMeasurement } from '../../src/engine/measure.ts'
import { formatBudgetVerdict } from '../../src/verdict/format-verdict.ts'
import { judgeBudget } from '../../src/verdict/judge.ts'

// A `direct` limit that holds because none of a real extra was sampled in the feature's files (V8
// charged an inlined feature function to its caller) says so, and where the extra went.
const quiet = { perCycle: 0, low: 0, high: 0, firstHalf: 0, secondHalf: 0, cycles: 20, compilingCycles: 0 }
const measurement: BudgetMeasurement = {
  kind: 'budget', callsPerReading: 1, cycles: 20, warmup: 20, warmupRun: 20, candidateWarmupRun: 20, nextCycle: 80, snapshotMs: 0,
  baseline: { readings: [], growth: quiet }, candidate: { readings: [], growth: quiet },
  retained: { bytes: 0, uncertainty: 0, source: 'heap-statistics' }, warmupReadings: [], durationMs: 1,
}
const budget: ResolvedBudget = { name: 'tooltips', file: '/project/memory-budgets.json', cycles: 20, warmup: 20, leak: 0, direct: 5_000, sites: { direct: ['src/tooltip-log.js'] } }

function pass(extra: number, sites: ExtraSite[]): AllocationMeasurement {
  const variant = (bytesPerCycle: number): AllocationVariant => ({
    bytesPerCycle, samplingError: 300, sites: [], samples: 0, toolBytesPerCycle: 0,
    profile: { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, selfSize: 0, children: [] }, cyclesMs: 1,
  })
  return {
    kind: 'allocations', cycles: 20, warmup: 20, samplingInterval: 512, warmupRun: 20, nextCycle: 80, durationMs: 1,
    baseline: variant(100_000), candidate: variant(100_000 + extra), extraBytesPerCycle: extra, extraSites: sites,
  }
}

const mountList: ExtraSite = { functionName: 'mountList', file: '/project/src/list.js', line: 4, column: 1, kind: 'code', bytesPerCycle: 531_000, share: 1 }
const noDirect = { direct: { bytesPerCycle: 0, share: 0, sites: [] }, indirect: { bytesPerCycle: 531_000, share: 1 }, indirectGroups: [] }

describe('a direct limit that held because nothing was sampled in its files', () => {
  test('says so, with where the extra was charged', () => {
    const allocations = { measurement: pass(531_000, [mountList]), direct: noDirect as never }
    const verdict = judgeBudget(measurement, budget, {}, allocations)
    expect(verdict.pass).toBe(true)
    const lines = formatBudgetVerdict(verdict, measurement, budget, { allocations, root: '/project' }).split('\n')
    expect(lines.slice(1, 3)).toEqual([
      '  within    direct 0 B/cycle (±0 B), limit 5 kB/cycle',
      "            none of the extra +531 kB/cycle was sampled in sites.direct's files; most went to mountList (src/list.js:4) (a function V8 inlined into its caller is charged to the caller)",
    ])
  })

  test('says nothing when there is no extra beyond sampling noise to miss', () => {
    const allocations = { measurement: pass(600, [{ ...mountList, bytesPerCycle: 600 }]), direct: noDirect as never }
    const verdict = judgeBudget(measurement, budget, {}, allocations)
    expect(formatBudgetVerdict(verdict, measurement, budget, { allocations, root: '/project' })).not.toContain('none of the extra')
  })
})
