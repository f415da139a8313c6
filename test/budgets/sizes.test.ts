import { describe, expect, test } from 'vitest'
import { formatRate, formatSignedSize, formatSize, parseSize } from '../../src/budgets/sizes.ts'

function thrown(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error, none was thrown')
}

const EXPECTED = 'expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got'

describe('parseSize', () => {
  test.each<[number | string, number]>([
    [0, 0],
    [512, 512],
    [0.4, 0],
    [1.5, 2],
    ['0', 0],
    ['512', 512],
    ['512 B', 512],
    ['512b', 512],
    ['600 kB', 600_000],
    ['600kB', 600_000],
    ['600 KB', 600_000],
    ['600 kb', 600_000],
    ['1.1 kB', 1100],
    ['2 MB', 2_000_000],
    ['2 mb', 2_000_000],
    ['2 Mb', 2_000_000],
    ['1 GB', 1_000_000_000],
    ['1 Gb', 1_000_000_000],
    ['10 KiB', 10_240],
    ['10 kib', 10_240],
    ['1.5 MiB', 1_572_864],
    ['1.5 mib', 1_572_864],
    ['0.1 MiB', 104_858],
    ['1 GiB', 1_073_741_824],
    ['  1 kB  ', 1000],
    ['600\u00A0kB', 600_000], // pretty-bytes can print a non-breaking space
  ])('%j is %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes)
  })

  test('turns -0 into 0', () => {
    expect(Object.is(parseSize(-0), 0)).toBe(true)
  })

  test.each<[unknown, string]>([
    [-1, `${EXPECTED} -1`],
    [Number.NaN, `${EXPECTED} NaN`],
    [Number.POSITIVE_INFINITY, `${EXPECTED} Infinity`],
    ['', `${EXPECTED} ""`],
    ['   ', `${EXPECTED} "   "`],
    ['12 parsecs', `${EXPECTED} "12 parsecs"`],
    ['-1 kB', `${EXPECTED} "-1 kB"`],
    ['1e3 B', `${EXPECTED} "1e3 B"`],
    ['1,5 MB', `${EXPECTED} "1,5 MB"`],
    ['.5 MB', `${EXPECTED} ".5 MB"`],
    ['1 TB', `${EXPECTED} "1 TB"`],
    ['kB', `${EXPECTED} "kB"`],
    ['1 k B', `${EXPECTED} "1 k B"`],
    ['8 Mbit', `${EXPECTED} "8 Mbit": sizes are in bytes, not bits`],
    ['8 kbits', `${EXPECTED} "8 kbits": sizes are in bytes, not bits`],
    ['9'.repeat(400), `${EXPECTED} "${'9'.repeat(56)}...`],
    [null, `${EXPECTED} null`],
  ])('%j is refused', (input, message) => {
    const error = thrown(() => parseSize(input as string))
    expect(error).toBeInstanceOf(RangeError)
    expect(error.message).toBe(message)
  })
})

describe('formatSize', () => {
  test.each<[number, string]>([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [600_000, '600 kB'],
    [1_572_864, '1.57 MB'],
    [-3000, '-3 kB'],
  ])('%d is %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text)
  })

  // Messages tell people what to write in the budget file, so what they show must parse back.
  test.each([0, 512, 1499, 600_000, 1_572_864, 987_654_321])('parseSize reads %d back to within 0.5%%', (bytes) => {
    expect(Math.abs(parseSize(formatSize(bytes)) - bytes)).toBeLessThanOrEqual(bytes * 0.005)
  })
})

describe('formatSignedSize', () => {
  test.each<[number, string]>([
    [112_000, '+112 kB'],
    [-3000, '-3 kB'],
    [0, '0 B'],
  ])('%d is %s', (bytes, text) => {
    expect(formatSignedSize(bytes)).toBe(text)
  })
})

describe('formatRate', () => {
  test.each<[number, string]>([
    [2100, '2.1 kB/cycle'],
    [0, '0 B/cycle'],
    [-512, '-512 B/cycle'],
  ])('%d is %s', (bytes, text) => {
    expect(formatRate(bytes)).toBe(text)
  })
})
