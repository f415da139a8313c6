import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { globMatcher, globToRegExp } from '../../../src/engine/allocations/glob.ts'
import type { AllocationSite } from '../../../src/engine/allocations/sites.ts'
import { BUILT_IN, splitDirect, YOUR_CODE } from '../../../src/engine/allocations/split.ts'

describe('globToRegExp', () => {
  test.each([
    ['src/telemetry/**', 'src/telemetry/a.ts', true],
    ['src/telemetry/**', 'src/telemetry/deep/er/a.ts', true],
    ['src/telemetry/**', 'src/telemetry.ts', false],
    ['src/telemetry/**', 'lib/src/telemetry/a.ts', false],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/x/y/a.ts', true],
    ['src/**/*.ts', 'src/x/y/a.js', false],
    ['**/serialize.ts', 'serialize.ts', true],
    ['**/serialize.ts', 'a/b/serialize.ts', true],
    ['**/serialize.ts', 'a/b/deserialize.ts', false],
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/x/a.ts', false],
    ['src/?.ts', 'src/a.ts', true],
    ['src/?.ts', 'src/ab.ts', false],
    ['src/a+b(1).ts', 'src/a+b(1).ts', true],
    ['src/a.ts', 'src/abts', false],
    ['./src/**', 'src/a.ts', true],
    ['src\\win\\**', 'src/win/a.ts', true],
    ['src/**/.hidden/*.ts', 'src/x/.hidden/a.ts', true],
    ['src/**', 'src/.cache/a.ts', true],
  ])('%s matches %s: %s', (glob, file, expected) => {
    expect(globToRegExp(glob).test(file)).toBe(expected)
  })

  // Node 24's path.matchesGlob agrees wherever both define the same thing (no dot-directories, no braces).
  test.each([
    ['src/telemetry/**', 'src/telemetry/deep/a.ts'],
    ['src/**/*.ts', 'src/a.ts'],
    ['src/**/*.ts', 'src/x/a.js'],
    ['**/serialize.ts', 'a/serialize.ts'],
    ['src/*.ts', 'src/x/a.ts'],
    ['src/?.ts', 'src/a.ts'],
  ])('agrees with path.posix.matchesGlob on %s / %s', (glob, file) => {
    expect(globToRegExp(glob).test(file)).toBe(path.posix.matchesGlob(file, glob))
  })

  test('globMatcher: any of several patterns, backslashes in paths read as slashes', () => {
    const matches = globMatcher(['src/a/**', 'lib/*.js'])
    expect(['src/a/x.ts', 'lib/y.js', 'src\\a\\z.ts', 'lib/z/y.js'].map(matches)).toEqual([true, true, true, false])
    expect(globMatcher([])('src/a.ts')).toBe(false)
  })
})

const site = (functionName: string, file: string, bytesPerCycle: number, extra: Partial<AllocationSite> = {}): AllocationSite => ({
  functionName,
  file,
  line: file ? 1 : 0,
  column: file ? 1 : 0,
  kind: 'code',
  bytesPerCycle,
  ...extra,
})

describe('splitDirect', () => {
  const root = '/repo'
  const sites = [
    site('serialize', '/repo/src/telemetry/serialize.ts', 500),
    site('encode', '/repo/node_modules/@scope/enc/index.js', 200, { kind: 'package', package: '@scope/enc' }),
    site('send', '/repo/src/telemetry/transport/send.ts', 100),
    site('handler', '/repo/src/app/handler.ts', 80),
    site('(built-in) processImmediate', '', 40, { kind: 'built-in' }),
    site('map', '/repo/node_modules/lodash/map.js', 40, { kind: 'package', package: 'lodash' }),
    site('elsewhere', '/other/src/telemetry/x.ts', 20),
    site('flatten', '/repo/node_modules/lodash/flatten.js', 20, { kind: 'package', package: 'lodash' }),
  ]

  test('direct: sites in files the globs name, relative to root; indirect grouped by package, your code, built-ins', () => {
    const split = splitDirect(sites, ['src/telemetry/**'], root)
    expect(split.bytesPerCycle).toBe(1000)
    expect(split.direct).toEqual({ name: 'direct', bytesPerCycle: 600, share: 0.6, sites: [sites[0], sites[2]] })
    expect(split.indirect).toMatchObject({ name: 'indirect', bytesPerCycle: 400, share: 0.4 })
    expect(split.indirectGroups.map((g) => [g.name, g.bytesPerCycle, g.share, g.sites.map((s) => s.functionName)])).toEqual([
      ['@scope/enc', 200, 0.2, ['encode']],
      [YOUR_CODE, 100, 0.1, ['handler', 'elsewhere']],
      ['lodash', 60, 0.06, ['map', 'flatten']],
      [BUILT_IN, 40, 0.04, ['(built-in) processImmediate']],
    ])
  })

  test('a glob can name a package, and an absolute glob absolute paths', () => {
    expect(splitDirect(sites, ['node_modules/lodash/**'], root).direct.bytesPerCycle).toBe(60)
    expect(splitDirect(sites, ['/other/**'], root).direct.sites.map((s) => s.functionName)).toEqual(['elsewhere'])
  })

  test('built-ins are never direct, even under a glob that matches anything', () => {
    expect(splitDirect(sites, ['**'], root).indirect.sites.map((s) => s.functionName)).toEqual(['(built-in) processImmediate', 'elsewhere'])
  })

  test('no sites, or no globs', () => {
    expect(splitDirect([], ['src/**'], root)).toEqual({
      bytesPerCycle: 0,
      direct: { name: 'direct', bytesPerCycle: 0, share: 0, sites: [] },
      indirect: { name: 'indirect', bytesPerCycle: 0, share: 0, sites: [] },
      indirectGroups: [],
    })
    expect(splitDirect(sites, [], root).direct.bytesPerCycle).toBe(0)
  })

  test('keeps the extra-site type', () => {
    const extra = [{ ...sites[0]!, share: 1 }]
    const split = splitDirect(extra, ['src/**'], root)
    expect(split.direct.sites[0]!.share).toBe(1)
  })
})
