import { describe, expect, test } from 'vitest'
import type { ResolvedBudget } from '../../src/budgets/budget.ts'
import type { AllocationMeasurement, AllocationVariant } from '../../src/engine/allocations/index.ts'
import type { BudgetMeasurement } from '../../src/engine/measure.ts'
import { shiftBetween } from '../../src/engine/shift.ts'
import { formatBudgetVerdict } from '../../src/verdict/format-verdict.ts'
import { judgeBudget, type Finding } from '../../src/verdict/judge.ts'
import { limitInBytes } from '../../src/verdict/relative-limit.ts'

const budget: ResolvedBudget = { name: 'telemetry', file: '/project/memory-budgets.json', cycles: 20, warmup: 20, leak: 1000 }

const quiet = { perCycle: 0, low: 0, high: 0, firstHalf: 0, secondHalf: 0, cycles: 20, compilingCycles: 0 }
const measurement: BudgetMeasurement = {
  kind: 'budget', callsPerReading: 1, cycles: 20, warmup: 20, warmupRun: 20, candidateWarmupRun: 20, nextCycle: 80, snapshotMs: 0,
  baseline: { readings: [], growth: quiet }, candidate: { readings: [], growth: quiet },
  retained: { bytes: 0, uncertainty: 0, source: 'heap-statistics' }, warmupReadings: [], durationMs: 1,
}

/** An allocation pass: bytes per cycle and sampling error (1 sd) of each variant, and per-cycle peaks. */
function allocations(baseline: number, candidate: number, samplingError: number, peaks: [number[], number[]] = [[0], [0]]): AllocationMeasurement {
  const variant = (bytesPerCycle: number, cyclePeaks: number[]): AllocationVariant => ({
    bytesPerCycle, samplingError, peak: Math.max(...cyclePeaks), peakAboveStart: Math.max(...cyclePeaks), cyclePeaks,
    cyclePeak: [...cyclePeaks].sort((a, b) => a - b)[cyclePeaks.length >> 1]!, sites: [], samples: 0, toolBytesPerCycle: 0, gcs: 0,
    profile: { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, selfSize: 0, children: [] },
    cyclesMs: 1,
  })
  const { estimate, low, high } = shiftBetween(peaks[0], peaks[1])
  return {
    kind: 'allocations', cycles: 20, warmup: 20, samplingInterval: 512, warmupRun: 20, nextCycle: 80, durationMs: 1,
    baseline: variant(baseline, peaks[0]), candidate: variant(candidate, peaks[1]),
    extraBytesPerCycle: candidate - baseline, extraSites: [], extraPeak: estimate, extraPeakRange: { low, high },
  }
}

function judged(limits: Partial<ResolvedBudget>, pass: AllocationMeasurement): { finding: (key: Finding['key']) => Finding; message: string } {
  const resolved = { ...budget, ...limits }
  const verdict = judgeBudget(measurement, resolved, {}, { measurement: pass })
  return {
    finding: (key) => verdict.findings.find((f) => f.key === key)!,
    message: formatBudgetVerdict(verdict, measurement, resolved),
  }
}

describe('limitInBytes', () => {
  test.each<[string, Parameters<typeof limitInBytes>[0], number, number]>([
    ['a size is itself', 2000, 102_000, 2000],
    ['a share of the baseline', { share: 2 }, 102_000, 2040],
    ['a share of a share', { share: 0.5 }, 1_000_000, 5000],
    ['with a most the share is under, the share', { share: 2, most: 600_000 }, 102_000, 2040],
    ['with a most under the share, the most', { share: 2, most: 1000 }, 102_000, 1000],
    ['a baseline that measured nothing allows nothing', { share: 10 }, 0, 0],
    ['a negative baseline (none measures one) counts as 0', { share: 10 }, -500, 0],
  ])('%s', (_, limit, baseline, bytes) => {
    expect(limitInBytes(limit, baseline).bytes).toBe(bytes)
  })

  test('a share keeps what it was made of, for messages', () => {
    expect(limitInBytes({ share: 2, most: 600_000 }, 102_000)).toEqual({ bytes: 2040, relative: { share: 2, baseline: 102_000, most: 600_000 } })
    expect(limitInBytes(2000, 102_000)).toEqual({ bytes: 2000 })
  })
})

describe('a relative allocated limit', () => {
  // 102 kB a cycle, and the candidate 5% more; 150 B sampling error a variant: ±416 B on the extra.
  const pass = allocations(102_000, 107_100, 150)

  test('fails 2% of the baseline (2.04 kB), and says it as a share and in bytes', () => {
    const { finding, message } = judged({ allocated: { share: 2 } }, pass)
    expect(finding('allocated')).toMatchObject({ over: true, measured: 5100, limit: 2040, relative: { share: 2, baseline: 102_000 } })
    expect(message.split('\n')).toEqual([
      'memory budget "telemetry" exceeded (20 cycles without, 20 with)',
      "  allocated +5.1 kB/cycle (+5.0% of the baseline's 102 kB/cycle) > 2% (2.04 kB/cycle)  (+3.06 kB, ±416 B)",
      '  within    leak of baseline 0 B/cycle (±0 B/cycle), limit 1 kB/cycle',
      '  within    leak of candidate 0 B/cycle (±0 B/cycle), limit 1 kB/cycle',
      'budget file: /project/memory-budgets.json',
    ])
  })

  test('passes 10% of the baseline (10.2 kB)', () => {
    const { finding, message } = judged({ allocated: { share: 10 } }, pass)
    expect(finding('allocated')).toMatchObject({ over: false, limit: 10_200 })
    expect(message.split('\n')[1]).toBe("  within    allocated +5.1 kB/cycle (+5.0% of the baseline's 102 kB/cycle) (±416 B), limit 10% (10.2 kB/cycle)")
  })

  test('is judged with the same noise rule as a size: over only beyond the sampling error', () => {
    // 5% more, against a 4.9% limit (4998 B): over by 102 B, inside ±416 B.
    expect(judged({ allocated: { share: 4.9 } }, pass).finding('allocated').over).toBe(false)
    // The same figures against the same limit in bytes give the same verdict.
    expect(judged({ allocated: 4998 }, pass).finding('allocated').over).toBe(false)
    expect(judged({ allocated: { share: 4.5 } }, pass).finding('allocated').over).toBe(true)
    expect(judged({ allocated: 4590 }, pass).finding('allocated').over).toBe(true)
  })

  test('with a most beside it, both must hold: the smaller decides, and the message says which', () => {
    const shareDecides = judged({ allocated: { share: 2, most: 600_000 } }, pass)
    expect(shareDecides.finding('allocated')).toMatchObject({ over: true, limit: 2040 })
    expect(shareDecides.message.split('\n')[1]).toBe(
      "  allocated +5.1 kB/cycle (+5.0% of the baseline's 102 kB/cycle) > 2% (2.04 kB/cycle; most 600 kB/cycle)  (+3.06 kB, ±416 B)",
    )
    const mostDecides = judged({ allocated: { share: 10, most: 4000 } }, pass)
    expect(mostDecides.finding('allocated')).toMatchObject({ over: true, limit: 4000 })
    expect(mostDecides.message.split('\n')[1]).toBe(
      "  allocated +5.1 kB/cycle (+5.0% of the baseline's 102 kB/cycle) > 4 kB/cycle (most; 10% is 10.2 kB/cycle)  (+1.1 kB, ±416 B)",
    )
    expect(judged({ allocated: { share: 10, most: 600_000 } }, pass).message.split('\n')[1]).toBe(
      "  within    allocated +5.1 kB/cycle (+5.0% of the baseline's 102 kB/cycle) (±416 B), limit 10% (10.2 kB/cycle; most 600 kB/cycle)",
    )
  })

  test('a baseline that allocated nothing allows nothing, and the message does not divide by it', () => {
    const { finding, message } = judged({ allocated: { share: 10 } }, allocations(0, 5000, 50))
    expect(finding('allocated')).toMatchObject({ over: true, limit: 0 })
    expect(message.split('\n')[1]).toBe("  allocated +5 kB/cycle (the baseline's 0 B/cycle) > 10% (0 B/cycle)  (+5 kB, ±139 B)")
  })

  test('a size limit reads as before', () => {
    expect(judged({ allocated: 2000 }, pass).message.split('\n')[1]).toBe('  allocated +5.1 kB/cycle > 2 kB/cycle  (+3.1 kB, ±416 B)')
  })
})

describe('a relative direct limit', () => {
  test("is a share of the baseline's whole allocation per cycle", () => {
    const pass = allocations(102_000, 107_100, 150)
    const resolved = { ...budget, direct: { share: 1 }, sites: { direct: ['src/telemetry/**'] } }
    const direct = { direct: { bytesPerCycle: 5100, sites: [{ functionName: 'serialize', file: 'src/telemetry/s.ts', line: 1, kind: 'user' as const, bytesPerCycle: 5100, share: 1, samplingError: 100 }] }, indirect: [], indirectGroups: [] }
    const verdict = judgeBudget(measurement, resolved, {}, { measurement: pass, direct: direct as never })
    expect(verdict.findings.find((f) => f.key === 'direct')).toMatchObject({ over: true, limit: 1020, relative: { share: 1, baseline: 102_000 } })
    expect(formatBudgetVerdict(verdict, measurement, resolved).split('\n')[1]).toBe(
      "  direct    +5.1 kB/cycle in sites.direct (+5.0% of the baseline's 102 kB/cycle) > 1% (1.02 kB/cycle)  (+4.08 kB, ±196 B)",
    )
  })
})

describe('a relative peak limit', () => {
  // The baseline's typical cycle peaks 200 kB above its start; the candidate 20 kB (10%) higher.
  const base = [199_000, 200_000, 201_000, 200_500, 199_500, 200_000, 200_200, 199_800, 200_100, 199_900]
  const pass = allocations(0, 0, 0, [base, base.map((bytes) => bytes + 20_000)])

  test("is a share of the baseline's typical cycle's peak: 5% fails, 20% passes", () => {
    const tight = judged({ peak: { share: 5 } }, pass)
    expect(tight.finding('peak')).toMatchObject({ over: true, limit: 10_000, relative: { share: 5, baseline: 200_000 } })
    expect(tight.message.split('\n')[1]).toMatch(/^ {2}peak {6}\+20 kB a cycle \(\+10\.0% of the baseline's 200 kB\) > 5% \(10 kB\) {2}\(\+10 kB, ±\d+(\.\d+)? B\)$/)
    const loose = judged({ peak: { share: 20 } }, pass)
    expect(loose.finding('peak')).toMatchObject({ over: false, limit: 40_000 })
    expect(loose.message.split('\n')[1]).toMatch(/^ {2}within {4}peak \+20 kB a cycle \(\+10\.0% of the baseline's 200 kB\) \(±\d+(\.\d+)? B\), limit 20% \(40 kB\)$/)
  })
})
