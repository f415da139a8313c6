/**
 * Checks the truth of fixtures whose truth only shows over many cycles (`longRun`, from
 * fixtures/blocks/real-code.ts) with a harness of its own, independent of the project's engine:
 * thousands of cycles per variant, a full GC and a reading every `cycles / 20` cycles, and the
 * Theil-Sen slope of those readings. A period or a doubling backing store averages out over a run
 * this long; `cycle` is unique across the whole run, as the matchers promise.
 *
 * How memory is read: test/helpers/truth-reading.ts. FIXTURES_TRUTH_REPORT=1 prints the table.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { type Fixture, fixtures } from '../fixtures/blocks/index.ts'
import { median, readBytes, settle } from './helpers/truth-reading.ts'

const longRun = fixtures.filter(fixture => fixture.longRun)
/** Readings per variant, the first before its cycles. */
const POINTS = 21
/** Cycles on a throwaway instance first (both variants), so every code path is compiled. */
const WARMUP = 20
/** A clean variant reads under this, in bytes a cycle, over a long run. */
const CLEAN_LIMIT = 48
/** Allowed error of the one-time estimate: 2% or 4 KB, whichever is larger (as the 16-cycle harness). */
const oneTimeTolerance = (truth: number): number => Math.max(truth * 0.02, 4 * 1024)

interface Line {
  slope: number
  intercept: number
}

/** Theil-Sen line through (i * step, ys[i]): a stray reading tilts it by nothing. */
function fitLine(ys: number[], step: number): Line {
  const slopes: number[] = []
  for (let i = 0; i < ys.length; i++) for (let j = i + 1; j < ys.length; j++) slopes.push((ys[j]! - ys[i]!) / ((j - i) * step))
  const slope = median(slopes)
  return { slope, intercept: median(ys.map((y, i) => y - slope * i * step)) }
}

interface Measured {
  baseline: number
  candidate: number
  oneTime: number
}

async function measure(fixture: Fixture): Promise<Measured> {
  const { cycles } = fixture.longRun!
  const step = cycles / (POINTS - 1)
  if (!Number.isInteger(step)) throw new RangeError(`${fixture.name}: longRun.cycles must be a multiple of ${POINTS - 1}`)
  let cycle = 0
  const warm = fixture.create()
  for (let i = 0; i < WARMUP; i++) await warm({ enabled: i % 2 === 1, cycle: cycle++ })
  warm.dispose?.()

  const block = fixture.create()
  const series = async (enabled: boolean): Promise<number[]> => {
    const ys: number[] = []
    await settle()
    ys.push(readBytes())
    for (let point = 1; point < POINTS; point++) {
      for (let i = 0; i < step; i++) await block({ enabled, cycle: cycle++ })
      await settle()
      ys.push(readBytes())
    }
    return ys
  }
  try {
    const base = fitLine(await series(false), step)
    const cand = fitLine(await series(true), step)
    // The candidate's line at its start, less where the baseline's line ends.
    return { baseline: base.slope, candidate: cand.slope, oneTime: cand.intercept - (base.intercept + cycles * base.slope) }
  } finally {
    block.dispose?.()
  }
}

const results = new Map<string, Measured | Error>()

beforeAll(async () => {
  for (const fixture of longRun) results.set(fixture.name, await measure(fixture).catch((error: unknown) => error as Error))
  if (process.env.FIXTURES_TRUTH_REPORT) {
    const rows = longRun.map(({ name, truth }) => {
      const m = results.get(name)
      if (!m || m instanceof Error) return `${name} | ${String(m)}`
      const cell = (measured: number, known: number) => `${Math.round(measured)} (${known})`
      return `${name} | ${cell(m.baseline, truth.baselineLeakPerCycle)} | ${cell(m.candidate, truth.leakPerCycle)} | ${cell(m.oneTime, truth.oneTime)}`
    })
    console.log(['fixture | baseline B/cycle (truth) | candidate B/cycle (truth) | one-time B (truth)', ...rows].join('\n'))
  }
}, 240_000)

function expectGrowth(fixture: Fixture, variant: string, measured: number, truth: number): void {
  const limit = truth === 0 ? CLEAN_LIMIT : Math.max(truth * fixture.longRun!.tolerance, 48)
  const what = truth === 0 ? `clean (under ${CLEAN_LIMIT} B)` : `${truth} ± ${Math.round(limit)} B`
  expect(Math.abs(measured - truth), `${variant} grew ${Math.round(measured)} B a cycle over ${fixture.longRun!.cycles} cycles; truth ${what}`).toBeLessThanOrEqual(limit)
}

describe('long-run fixture truths hold when measured independently', () => {
  test.each(longRun.map(fixture => [fixture.name, fixture] as const))('%s', (name, fixture) => {
    const m = results.get(name)
    if (m === undefined || m instanceof Error) throw m ?? new Error(`${name} was not measured`)
    expectGrowth(fixture, 'baseline', m.baseline, fixture.truth.baselineLeakPerCycle)
    expectGrowth(fixture, 'candidate', m.candidate, fixture.truth.leakPerCycle)
    expect(Math.abs(m.oneTime - fixture.truth.oneTime), `one-time ${Math.round(m.oneTime)} B; truth ${fixture.truth.oneTime}`).toBeLessThanOrEqual(
      oneTimeTolerance(fixture.truth.oneTime),
    )
    expect(fixture.truth.leaks, 'truth.leaks').toBe(fixture.truth.leakPerCycle > 0 || fixture.truth.baselineLeakPerCycle > 0)
  })
})
