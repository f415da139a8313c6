import { describe, expect, test } from 'vitest'
import { compareReports } from '../../../src/reporting/compare/compare-reports.ts'
import type { CheckComparison, Comparison } from '../../../src/reporting/compare/comparison.ts'
import { parseFailOn } from '../../../src/reporting/compare/fail-on.ts'
import { figureLabel } from '../../../src/reporting/compare/figures.ts'
import { budgetCheck, ENVIRONMENT, leakCheck, report } from '../../helpers/memory-reports.ts'

/** Each check as `status name: figure change, ...` (the figures that moved), for whole-comparison assertions. */
function changes(comparison: Comparison): string[] {
  const name = (check: CheckComparison) => check.key.budget ?? `toLeakMemory ${check.key.test}`
  return comparison.checks.map((check) => {
    const moved = check.figures.filter((figure) => figure.change !== 'unchanged').map((figure) => `${figureLabel(figure)} ${figure.change}`)
    return [`${check.status} ${name(check)}`, ...moved].join(': ')
  })
}

const ALLOCATING = { baseline: 100_000, candidate: 250_000 }

describe('compareReports: noise', () => {
  test('the same report compared with itself: every check unchanged, every delta 0', () => {
    const run = report([budgetCheck('telemetry', { allocated: ALLOCATING, objects: { TelemetryEvent: 20 } }), leakCheck(12)])
    const comparison = compareReports(run, run)
    expect(changes(comparison)).toEqual(['unchanged telemetry', 'unchanged toLeakMemory a connection cycle leaks nothing'])
    expect(comparison.checks.flatMap((check) => check.figures.map((figure) => figure.delta))).toEqual([0, 0, 0, 0, 0, 0, 0])
    expect(comparison.summary).toEqual({ changed: 0, unchanged: 2, added: 0, removed: 0, renamed: 0, verdictChanged: 0 })
    expect(comparison.fails).toBe(false)
  })

  test('two runs of a check that changed nothing, every figure moved by run-to-run noise: unchanged', () => {
    const base = report([budgetCheck('telemetry', { retained: 1_100, baseline: 8, candidate: -5, allocated: ALLOCATING, peak: { extra: 1_200, low: 900, high: 1_600 } }), leakCheck(3)])
    const head = report([
      budgetCheck('telemetry', { retained: 3_900, baseline: 40, candidate: 50, allocated: { baseline: 101_500, candidate: 257_000 }, peak: { extra: 3_800, low: 3_000, high: 4_400 } }),
      leakCheck(-30),
    ])
    const comparison = compareReports(base, head)
    expect(changes(comparison)).toEqual(['unchanged telemetry', 'unchanged toLeakMemory a connection cycle leaks nothing'])
    expect(compareReports(base, head, { failOn: parseFailOn({ allocated: '1%', retained: '1 B', peak: '1%', leak: '1 B' }) }).fails).toBe(false)
  })

  test('200 kB/cycle more allocated and 50 kB more retained are changes, with their deltas', () => {
    const base = report([budgetCheck('telemetry', { allocated: ALLOCATING }), budgetCheck('cache', { retained: 10_000, retainedUncertainty: 0 })])
    const head = report([
      budgetCheck('telemetry', { allocated: { baseline: 100_000, candidate: 450_000 } }),
      budgetCheck('cache', { retained: 60_000, retainedUncertainty: 0 }),
    ])
    const comparison = compareReports(base, head)
    expect(changes(comparison)).toEqual(['changed telemetry: allocated increased', 'changed cache: retained increased'])
    const [allocated] = comparison.checks[0]!.figures.filter((figure) => figure.key === 'allocated')
    expect(allocated).toMatchObject({ base: 150_000, head: 350_000, delta: 200_000, unit: 'B/cycle', change: 'increased' })
    expect(allocated!.relative).toBeCloseTo(4 / 3)
    expect(comparison.checks[1]!.figures[0]).toEqual({ key: 'retained', unit: 'B', base: 10_000, head: 60_000, delta: 50_000, relative: 5, noise: 4096, change: 'increased' })
  })

  test('a change is a delta beyond three times the combined 95% reach of both figures', () => {
    const retained = (bytes: number, uncertainty: number) => report([budgetCheck('cache', { retained: bytes, retainedUncertainty: uncertainty })])
    const figure = (head: number) => compareReports(retained(10_000, 3_000), retained(head, 4_000)).checks[0]!.figures[0]!
    expect(figure(25_000)).toMatchObject({ noise: 15_000, change: 'unchanged' })
    expect(figure(25_001)).toMatchObject({ noise: 15_000, change: 'increased' })
    expect(figure(-5_000)).toMatchObject({ change: 'unchanged' })
    expect(figure(-5_001)).toMatchObject({ change: 'decreased' })
  })

  test('each figure has its floor: exact heap snapshot figures 4 kB apart, or a leak 60 B/cycle faster, are not changes', () => {
    const exact = (bytes: number) => report([budgetCheck('cache', { retained: bytes, retainedUncertainty: 0 })])
    expect(compareReports(exact(1_000), exact(5_096)).checks[0]!.figures[0]).toMatchObject({ noise: 4096, change: 'unchanged' })
    const leak = (perCycle: number) => report([leakCheck(perCycle, { halfWidth: 0 })])
    expect(compareReports(leak(0), leak(60)).checks[0]!.figures[0]).toMatchObject({ noise: 64, change: 'unchanged' })
    expect(compareReports(leak(0), leak(70)).checks[0]!.figures[0]).toMatchObject({ noise: 64, change: 'increased' })
  })

  test("a page's retained memory moves between runs by what its run cannot see (code spaces read with the heap): 48 kB is its least change", () => {
    const page = (bytes: number) => report([{ ...budgetCheck('tooltips', { retained: bytes, retainedUncertainty: 0 }), browser: 'Chromium 156.0.8078.129' }])
    // The trial's two bands of one unchanged check, 23 kB apart, each ±0 in its run.
    expect(compareReports(page(-7_800), page(15_600)).checks[0]!.figures[0]).toMatchObject({ noise: 48_000, change: 'unchanged' })
    expect(compareReports(page(10_000), page(60_000)).checks[0]!.figures[0]).toMatchObject({ noise: 48_000, change: 'increased' })
    // The same figures from a Node worker are 23 kB apart beyond its 4 kB floor.
    const node = (bytes: number) => report([budgetCheck('tooltips', { retained: bytes, retainedUncertainty: 0 })])
    expect(compareReports(node(-7_800), node(15_600)).checks[0]!.figures[0]).toMatchObject({ noise: 4096, change: 'increased' })
  })

  test('the side of each interval that faces the other figure counts (Theil-Sen and peak intervals are not symmetric)', () => {
    const peak = (extra: number, low: number, high: number) => report([budgetCheck('telemetry', { allocated: ALLOCATING, peak: { extra, low, high } })])
    // Base reaches 20 kB up, head 1 kB down: 3 * hypot(20000, 1000).
    const wide = compareReports(peak(10_000, 9_000, 30_000), peak(30_000, 29_000, 31_000)).checks[0]!.figures.find((f) => f.key === 'peak')!
    expect(wide.noise).toBeCloseTo(60_075, 0)
    expect(wide.change).toBe('unchanged')
    // The same figures, the wide sides turned away: base reaches 1 kB up, head 1 kB down, 3 * hypot(1000, 1000).
    const narrow = compareReports(peak(10_000, 0, 11_000), peak(30_000, 29_000, 50_000)).checks[0]!.figures.find((f) => f.key === 'peak')!
    expect(narrow.noise).toBeCloseTo(4_243, 0)
    expect(narrow.change).toBe('increased')
  })

  test('without an allocated limit, the sampling error is worked out as the judge does: the noise of a 10 MB/cycle block does not hide 200 kB/cycle more', () => {
    const big = { baseline: 10_000_000, candidate: 10_000_000 }
    const figure = compareReports(report([budgetCheck('parse', { allocated: big })]), report([budgetCheck('parse', { allocated: big })])).checks[0]!.figures.find((f) => f.key === 'allocated')!
    // sqrt(512 B x 10 MB x 20 cycles) / 20 per variant, 1.96 x hypot of two, then 3 x the hypot of both runs.
    expect(figure.noise).toBeCloseTo(3 * Math.SQRT2 * 1.959964 * Math.SQRT2 * Math.sqrt(512 * 10_000_000 * 20) / 20, 0)
    expect(figure.noise).toBeLessThan(200_000)
  })

  test('objects: counts beyond the baseline per constructor, a change when more than 1 apart', () => {
    const objects = (count: number) => report([budgetCheck('cache', { objects: { Entry: count } })])
    expect(changes(compareReports(objects(20), objects(21)))).toEqual(['unchanged cache'])
    expect(changes(compareReports(objects(20), objects(40)))).toEqual(['changed cache: objects Entry increased'])
  })

  test('a figure one run has and the other not (an allocation pass added) is not compared', () => {
    const comparison = compareReports(report([budgetCheck('telemetry')]), report([budgetCheck('telemetry', { allocated: ALLOCATING })]))
    expect(comparison.checks[0]!.figures.map(figureLabel)).toEqual(['retained', 'leak (baseline)', 'leak (candidate)'])
    expect(comparison.checks[0]!.status).toBe('unchanged')
  })
})

describe('compareReports: checks', () => {
  test('added and removed, and the changed first', () => {
    const base = report([leakCheck(0, { test: 'kept' }), leakCheck(0, { test: 'dropped' }), budgetCheck('cache', { retained: 10_000 })])
    const head = report([leakCheck(0, { test: 'kept' }), budgetCheck('cache', { retained: 90_000 }), leakCheck(0, { test: 'new' })])
    expect(changes(compareReports(base, head))).toEqual(['changed cache: retained increased', 'added toLeakMemory new', 'removed toLeakMemory dropped', 'unchanged toLeakMemory kept'])
    expect(compareReports(base, head).summary).toEqual({ changed: 1, unchanged: 1, added: 1, removed: 1, renamed: 0, verdictChanged: 0 })
  })

  test('a budget renamed in the same test, and a test renamed checking the same budget, are matched as renames', () => {
    const base = report([budgetCheck('telemetry', { test: 'sends' }), budgetCheck('cache', { test: 'caches' })])
    const head = report([budgetCheck('telemetry-v2', { test: 'sends' }), budgetCheck('cache', { test: 'caches prices' })])
    const comparison = compareReports(base, head)
    expect(comparison.checks.map((check) => [check.status, check.key.budget, check.key.test, check.renamedFrom?.budget, check.renamedFrom?.test])).toEqual([
      ['unchanged', 'telemetry-v2', 'sends', 'telemetry', 'sends'],
      ['unchanged', 'cache', 'caches prices', 'cache', 'caches'],
    ])
    expect(comparison.summary.renamed).toBe(2)
  })

  test('when which went where cannot be told (two budgets swapped for two others in one test), they are added and removed', () => {
    const base = report([budgetCheck('a', { test: 't' }), budgetCheck('b', { test: 't' })])
    const head = report([budgetCheck('c', { test: 't' }), budgetCheck('d', { test: 't' })])
    expect(changes(compareReports(base, head))).toEqual(['added c', 'added d', 'removed a', 'removed b'])
  })

  test('the same test in two projects is two checks; a test checking a budget twice is matched call by call', () => {
    const base = report([leakCheck(0, { project: 'node' }), leakCheck(5_000, { project: 'browser' }), budgetCheck('x', { retained: 1_000 }), budgetCheck('x', { retained: 100_000 })])
    const head = report([leakCheck(5_000, { project: 'browser' }), leakCheck(0, { project: 'node' }), budgetCheck('x', { retained: 1_000 }), budgetCheck('x', { retained: 100_000 })])
    expect(changes(compareReports(base, head))).toEqual(['unchanged toLeakMemory a connection cycle leaks nothing', 'unchanged toLeakMemory a connection cycle leaks nothing', 'unchanged x', 'unchanged x'])
    expect(compareReports(base, head).checks.map((check) => check.key.project)).toEqual(['browser', 'node', undefined, undefined])
  })

  test('a base whose checks name no project (written before reports named them) matches a head whose checks do', () => {
    const base = report([leakCheck(0), budgetCheck('x')])
    const head = report([leakCheck(0, { project: 'node' }), budgetCheck('x', { project: 'node' })])
    expect(changes(compareReports(base, head))).toEqual(['unchanged toLeakMemory a connection cycle leaks nothing', 'unchanged x'])
    expect(compareReports(base, head).checks.map((check) => check.key.project)).toEqual(['node', 'node'])
  })

  test('a verdict that changed is a change even within noise, listed first', () => {
    const base = report([budgetCheck('cache', { retained: 9_000 }), budgetCheck('telemetry', { verdict: 'within' })])
    const head = report([budgetCheck('cache', { retained: 90_000 }), budgetCheck('telemetry', { verdict: 'timed out' })])
    const comparison = compareReports(base, head)
    expect(changes(comparison)).toEqual(['changed telemetry', 'changed cache: retained increased'])
    expect(comparison.checks[0]).toMatchObject({ verdict: { base: 'within', head: 'timed out' }, verdictChanged: true })
  })

  test('a check cut short has no figures to compare', () => {
    const cut = { ...budgetCheck('cache', { verdict: 'aborted' }), cut: { reason: 'error: boom', where: '' } }
    expect(compareReports(report([budgetCheck('cache')]), report([cut])).checks[0]!.figures).toEqual([])
  })
})

describe('compareReports: environments', () => {
  test('same environment: nothing listed', () => {
    expect(compareReports(report([]), report([])).environment).toEqual({ comparable: true, differences: [] })
  })

  test('another Node and V8: listed, the figures do not compare, and regressions do not fail', () => {
    const base = report([budgetCheck('cache', { retained: 1_000 })])
    const head = report([budgetCheck('cache', { retained: 90_000 })], { environment: { ...ENVIRONMENT, node: 'v24.22.0', v8: '13.6.233.17-node.30' } })
    const comparison = compareReports(base, head, { failOn: parseFailOn({ retained: '4 kB' }) })
    expect(comparison.environment).toEqual({
      comparable: false,
      differences: [
        { key: 'node', base: 'v24.21.0', head: 'v24.22.0', minor: false },
        { key: 'v8', base: '13.6.233.10-node.27', head: '13.6.233.17-node.30', minor: false },
      ],
    })
    expect(comparison.regressions).toHaveLength(1)
    expect(comparison.fails).toBe(false)
  })

  test('a kernel update and a shard are listed as minor; another OS, architecture, pool or browser is not', () => {
    const differences = (environment: Partial<typeof ENVIRONMENT>, shard?: { index: number; count: number }) =>
      compareReports(report([]), report([], { environment: { ...ENVIRONMENT, ...environment }, ...(shard && { shard }) })).environment.differences.map((d) => `${d.key}${d.minor ? ' (minor)' : ''}`)
    expect(differences({ os: 'Linux 6.11.0' }, { index: 1, count: 2 })).toEqual(['os (minor)', 'shard (minor)'])
    expect(differences({ os: 'Darwin 24.1.0', arch: 'arm64', pools: ['threads'], browsers: ['Chromium 156.0.8078.129'] })).toEqual(['os', 'arch', 'pools', 'browsers'])
  })
})

describe('compareReports: failOn', () => {
  const base = report([budgetCheck('telemetry', { allocated: ALLOCATING, retained: 10_000, retainedUncertainty: 0 })])
  const head = (candidate: number, retained: number) => report([budgetCheck('telemetry', { allocated: { baseline: 100_000, candidate }, retained, retainedUncertainty: 0 })])

  test('an increase beyond noise and beyond its limit is a regression, with one line saying by how much and what was allowed', () => {
    const comparison = compareReports(base, head(450_000, 60_000), { failOn: parseFailOn({ allocated: '10%', retained: '4 kB' }) })
    expect(comparison.regressions.map((regression) => regression.message)).toEqual([
      '"telemetry" (telemetry.test.ts › telemetry stays within budget): retained +50 kB (+500%), over the +4 kB allowed',
      '"telemetry" (telemetry.test.ts › telemetry stays within budget): allocated +200 kB/cycle (+133%), over the +10% allowed',
    ])
    expect(comparison.fails).toBe(true)
  })

  test('within the limit, or a decrease of any size: no regression', () => {
    expect(compareReports(base, head(400_000, 13_000), { failOn: parseFailOn({ allocated: '100%', retained: '4 kB' }) }).regressions).toEqual([])
    expect(compareReports(base, head(100_000, 0), { failOn: parseFailOn({ allocated: '1%', retained: '1 B' }) }).regressions).toEqual([])
  })

  test('without failOn nothing is a regression', () => {
    expect(compareReports(base, head(450_000, 60_000))).toMatchObject({ regressions: [], fails: false })
  })
})
