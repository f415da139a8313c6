import { describe, expect, test } from 'vitest'
import { fitRobustLine, lineAt } from '../../src/engine/robust-line.ts'

const series = (count: number, at: (i: number) => number) => Float64Array.from({ length: count }, (_, i) => at(i))

describe('fitRobustLine', () => {
  test('recovers an exact line with a zero-width interval', () => {
    const line = fitRobustLine(series(21, (i) => 1000 + 64 * i))
    expect(line).toMatchObject({ slope: 64, slopeLow: 64, slopeHigh: 64, intercept: 1000, levelError: 0, count: 21 })
    expect(lineAt(line, 20)).toBe(1000 + 64 * 20)
  })

  test('ignores a one-off step that least squares would follow', () => {
    // Flat, then a 200 kB jump at the 15th of 21 points: a JIT event, not growth.
    const line = fitRobustLine(series(21, (i) => (i >= 15 ? 200_000 : 0)))
    expect(line.slope).toBe(0)
    expect(line.slopeLow).toBe(0)
  })

  test('sees a leak every 4th cycle as its average rate', () => {
    const line = fitRobustLine(series(21, (i) => 16_384 * Math.floor(i / 4)))
    expect(line.slope).toBeGreaterThan(3000)
    expect(line.slope).toBeLessThan(5500)
    expect(line.slopeLow).toBeGreaterThan(0)
  })

  test('gives the slope and 95% bounds scipy.stats.theilslopes gives', () => {
    // Deterministic noise of +/- 2 kB around 1 kB per step; reference figures from scipy 1.17.
    const noise = [0, 1800, -1500, 900, -2000, 400, 1200, -700, 2000, -1100, 300, -1900, 1500, -300, 800, -1600, 100, 1900, -800, 600, -1200]
    const line = fitRobustLine(series(21, (i) => 1024 * i + noise[i]!))
    expect(line.slope).toBeCloseTo(1009.0694444444445, 9)
    expect(line.slopeLow).toBeCloseTo(899, 9)
    expect(line.slopeHigh).toBeCloseTo(1112.888888888889, 9)
    expect(line.levelError).toBeGreaterThan(0)
    const short = fitRobustLine([0, 100, 150, 400, 380, 600])
    expect([short.slope, short.slopeLow, short.slopeHigh]).toEqual([115, 50, 220])
  })

  test('fits a window of a longer array', () => {
    const ys = series(30, (i) => (i < 10 ? 5 : 100 * i))
    expect(fitRobustLine(ys, 10, 20).slope).toBe(100)
  })

  test('refuses fewer than two points', () => {
    expect(() => fitRobustLine([1])).toThrow('a line needs 2 points or more, got 1')
  })
})
