import { describe, expect, test } from 'vitest'
import type { FigureComparison } from '../../../src/reporting/compare/comparison.ts'
import { exceeds, parseFailOn, parseFailOnFlag } from '../../../src/reporting/compare/fail-on.ts'

describe('parseFailOn', () => {
  test('shares, sizes as budgets read them, bytes, and counts of objects', () => {
    expect(parseFailOn({ allocated: '10%', retained: '4 kB', peak: 2048, leak: '1.5 KiB', objects: 5, direct: '0.5%' })).toEqual({
      allocated: { kind: 'share', value: 0.1, text: '10%' },
      retained: { kind: 'amount', value: 4000, text: '4 kB' },
      peak: { kind: 'amount', value: 2048, text: '2048 B' },
      leak: { kind: 'amount', value: 1536, text: '1.5 KiB' },
      objects: { kind: 'amount', value: 5, text: '5' },
      direct: { kind: 'share', value: 0.005, text: '0.5%' },
    })
  })

  test.each([
    [{ alocated: '10%' }, 'failOn.alocated: not a figure a comparison reads; did you mean allocated?'],
    [{ allocated: 'ten' }, `failOn.allocated: expected a share of the base's figure such as 10%, or a size such as 600 kB, 1.5 MiB or 512 (bytes); got "ten"`],
    [{ retained: -1 }, `failOn.retained: expected a share of the base's figure such as 10%, or a size such as 600 kB, 1.5 MiB or 512 (bytes); got -1`],
    [{ objects: '2.5' }, `failOn.objects: expected a share of the base's figure such as 10%, or a count of objects such as 5; got "2.5"`],
    ['10%', `failOn: expected limits such as { allocated: '10%', retained: '4 kB' }, got "10%"`],
  ])('%j is refused: %s', (input, message) => {
    expect(() => parseFailOn(input)).toThrow(new TypeError(message))
  })
})

describe('parseFailOnFlag', () => {
  test('the CLI form reads as the option', () => {
    expect(parseFailOnFlag('allocated=10%,retained=4kB,peak=10%')).toEqual(parseFailOn({ allocated: '10%', retained: '4kB', peak: '10%' }))
  })

  test.each([
    ['allocated', '--fail-on: expected figure=limit pairs separated by commas, such as allocated=10%,retained=4kB, got "allocated"'],
    ['allocated=10%,', '--fail-on: expected figure=limit pairs separated by commas, such as allocated=10%,retained=4kB, got "allocated=10%,"'],
    ['heap=10%', '--fail-on heap: not a figure a comparison reads; expected one of retained, leak, allocated, direct, peak, objects'],
    ['alocated=10%', '--fail-on alocated: not a figure a comparison reads; did you mean allocated?'],
    ['allocated=10%,allocated=900%', '--fail-on allocated: given twice (10% and 900%); give each figure once'],
    ['peak=10 parsecs', `--fail-on peak: expected a share of the base's figure such as 10%, or a size such as 600 kB, 1.5 MiB or 512 (bytes); got "10 parsecs"`],
  ])('%s is refused', (flag, message) => {
    expect(() => parseFailOnFlag(flag)).toThrow(new TypeError(message))
  })
})

describe('exceeds', () => {
  const figure = (base: number, head: number, change: FigureComparison['change']): FigureComparison => ({
    key: 'allocated', unit: 'B/cycle', base, head, delta: head - base, relative: base === 0 ? null : (head - base) / Math.abs(base), noise: 1024, change,
  })
  const share = parseFailOn({ allocated: '10%' }).allocated!
  const amount = parseFailOn({ allocated: '4 kB' }).allocated!

  test('an increase beyond noise over the share or amount', () => {
    expect([exceeds(share, figure(100_000, 111_000, 'increased')), exceeds(share, figure(100_000, 110_000, 'increased'))]).toEqual([true, false])
    expect([exceeds(amount, figure(100_000, 104_001, 'increased')), exceeds(amount, figure(100_000, 104_000, 'increased'))]).toEqual([true, false])
  })

  test('never noise, never a decrease', () => {
    expect(exceeds(share, figure(100_000, 150_000, 'unchanged'))).toBe(false)
    expect(exceeds(amount, figure(100_000, 0, 'decreased'))).toBe(false)
  })

  test('a share of a base of 0 is exceeded by any increase beyond noise; of a negative base, by its size', () => {
    expect(exceeds(share, figure(0, 5_000, 'increased'))).toBe(true)
    expect([exceeds(share, figure(-50_000, -46_000, 'increased')), exceeds(share, figure(-50_000, -44_000, 'increased'))]).toEqual([false, true])
  })
})
