import { describe, expect, test } from 'vitest'
import { extraSites, fileOf, isBuiltinUrl, packageOf, reduceProfile, type AllocationSite, type ProfileNode } from '../../../src/engine/allocations/sites.ts'

/** A profile node: `url` '' is a V8 built-in; lines are 0-based, as in the protocol. */
function node(functionName: string, url: string, lineNumber: number, selfSize: number, children: ProfileNode[] = []): ProfileNode {
  return { callFrame: { functionName, url, lineNumber, columnNumber: 2 }, selfSize, children }
}

const TOOL = '/repo/src/engine/loop.ts'

/**
 * (root)
 *   runLoop (tool)                               100  -> tool
 *     block  test/block.ts:10                   1000
 *       Array (built-in)                          500  -> block
 *       serialize  src/telemetry/serialize.ts:4  2000
 *         stringify (built-in)                    300  -> serialize
 *           toJSON (node:internal/util)            50  -> serialize
 *       encode  node_modules/@scope/enc           400
 *         inner  .../node_modules/dep/lib.js      100
 *     Promise (built-in)                           60  -> tool
 *   processImmediate (node:internal/timers)        80  -> (built-in) processImmediate
 *     (anonymous) (built-in)                       20  -> (built-in) (anonymous)
 *   block (same function, reached by a microtask) 200  -> block
 */
const profile = node('(root)', '', -1, 0, [
  node('runLoop', `file://${TOOL}`, 40, 100, [
    node('block', 'file:///repo/test/block.ts', 9, 1000, [
      node('Array', '', -1, 500),
      node('serialize', '/repo/src/telemetry/serialize.ts', 3, 2000, [
        node('stringify', '', -1, 300, [node('toJSON', 'node:internal/util', 12, 50)]),
      ]),
      node('encode', 'file:///repo/node_modules/@scope/enc/index.js', 0, 400, [
        node('inner', 'file:///repo/node_modules/@scope/enc/node_modules/dep/lib.js', 7, 100),
      ]),
    ]),
    node('Promise', '', -1, 60),
  ]),
  node('processImmediate', 'node:internal/timers', 400, 80, [node('', '', -1, 20)]),
  node('block', 'file:///repo/test/block.ts', 9, 200),
])

const site = (
  functionName: string,
  file: string,
  line: number,
  bytesPerCycle: number,
  extra: Partial<AllocationSite> = {},
): AllocationSite => ({ functionName, file, line, column: line === 0 ? 0 : 3, kind: 'code', bytesPerCycle, ...extra })

describe('reduceProfile', () => {
  test('charges built-ins to the nearest code frame above, merges a function reached twice, divides by cycles', () => {
    const reduced = reduceProfile(profile, { cycles: 2, isTool: (file) => file === TOOL })
    expect(reduced.sites).toEqual([
      site('serialize', '/repo/src/telemetry/serialize.ts', 4, 1175),
      site('block', '/repo/test/block.ts', 10, 850),
      site('encode', '/repo/node_modules/@scope/enc/index.js', 1, 200, { kind: 'package', package: '@scope/enc' }),
      site('inner', '/repo/node_modules/@scope/enc/node_modules/dep/lib.js', 8, 50, { kind: 'package', package: 'dep' }),
      site('(built-in) processImmediate', '', 0, 40, { kind: 'built-in' }),
      site('(built-in) (anonymous)', '', 0, 10, { kind: 'built-in' }),
    ])
    expect(reduced.bytesPerCycle).toBe(2325)
    expect(reduced.toolBytesPerCycle).toBe(80)
  })

  test('without a tool filter, the tool is a site like any other', () => {
    const reduced = reduceProfile(profile, { cycles: 1 })
    expect(reduced.sites.find((s) => s.functionName === 'runLoop')).toMatchObject({ file: TOOL, line: 41, bytesPerCycle: 160 })
    expect(reduced.toolBytesPerCycle).toBe(0)
    expect(reduced.bytesPerCycle).toBe(4810)
  })

  test('an empty profile has no sites', () => {
    expect(reduceProfile(node('(root)', '', -1, 0), { cycles: 20 })).toEqual({ sites: [], bytesPerCycle: 0, toolBytesPerCycle: 0 })
  })
})

describe('script URLs', () => {
  test.each([
    ['', true],
    ['node:internal/timers', true],
    ['node:events', true],
    ['file:///a/b.ts', false],
    ['/a/b.ts', false],
    ['evalmachine.<anonymous>', false],
  ])('isBuiltinUrl(%j) is %j', (url, builtin) => {
    expect(isBuiltinUrl(url)).toBe(builtin)
  })

  test.each([
    ['file:///repo/src/a.ts', '/repo/src/a.ts'],
    ['file:///repo/src/a%20b.ts?v=123', '/repo/src/a b.ts'],
    ['/repo/src/a.ts?import', '/repo/src/a.ts'],
    ['evalmachine.<anonymous>', 'evalmachine.<anonymous>'],
  ])('fileOf(%j) is %j', (url, file) => {
    expect(fileOf(url)).toBe(file)
  })

  test.each([
    ['/repo/node_modules/lodash/map.js', 'lodash'],
    ['/repo/node_modules/@scope/pkg/dist/x.js', '@scope/pkg'],
    ['/repo/node_modules/a/node_modules/b/x.js', 'b'],
    ['/repo/node_modules/.pnpm/foo@1.0.0/node_modules/foo/index.js', 'foo'],
    ['/repo/node_modules/.pnpm/@s+p@1.0.0/node_modules/@s/p/index.js', '@s/p'],
    ['C:\\repo\\node_modules\\bar\\x.js', 'bar'],
    ['/repo/src/node_modules.ts', undefined],
    ['/repo/src/a.ts', undefined],
  ])('packageOf(%j) is %j', (file, name) => {
    expect(packageOf(file)).toBe(name)
  })
})

describe('extraSites', () => {
  test('candidate minus baseline per site, floored at 0, largest first, with shares of the sum', () => {
    const baseline = [site('shared', '/r/a.ts', 1, 1000), site('saved', '/r/b.ts', 1, 500), site('same', '/r/c.ts', 1, 300)]
    const candidate = [
      site('shared', '/r/a.ts', 1, 1100),
      site('saved', '/r/b.ts', 1, 200),
      site('same', '/r/c.ts', 1, 300),
      site('telemetry', '/r/t.ts', 5, 300),
    ]
    expect(extraSites(candidate, baseline)).toEqual([
      { ...site('telemetry', '/r/t.ts', 5, 300), share: 0.75 },
      { ...site('shared', '/r/a.ts', 1, 100), share: 0.25 },
    ])
  })

  test('the same name in another file or line is another site', () => {
    const extra = extraSites([site('f', '/r/a.ts', 1, 100), site('f', '/r/a.ts', 9, 100)], [site('f', '/r/a.ts', 1, 100)])
    expect(extra).toEqual([{ ...site('f', '/r/a.ts', 9, 100), share: 1 }])
  })

  test('with the sampling given, each extra carries its sampling error: sqrt(interval x (candidate + baseline) x cycles) / cycles', () => {
    const [extra] = extraSites([site('f', '/r/a.ts', 1, 1500)], [site('f', '/r/a.ts', 1, 500)], { interval: 512, cycles: 20 })
    expect(extra!.samplingError).toBe(Math.sqrt(512 * 2000 * 20) / 20)
  })

  test('nothing extra: an empty list', () => {
    expect(extraSites([site('f', '/r/a.ts', 1, 100)], [site('f', '/r/a.ts', 1, 100)])).toEqual([])
  })
})
