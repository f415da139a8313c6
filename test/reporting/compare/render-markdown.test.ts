import { describe, expect, test } from 'vitest'
import { compareReports } from '../../../src/reporting/compare/compare-reports.ts'
import { parseFailOn } from '../../../src/reporting/compare/fail-on.ts'
import { renderComparison } from '../../../src/reporting/compare/render-markdown.ts'
import { budgetCheck, ENVIRONMENT, leakCheck, report } from '../../helpers/memory-reports.ts'

const base = report([
  budgetCheck('telemetry', { allocated: { baseline: 100_000, candidate: 250_000 } }),
  budgetCheck('cache', { retained: 10_000, retainedUncertainty: 0 }),
  leakCheck(0, { test: 'dropped' }),
  budgetCheck('old', { test: 'renamed' }),
  leakCheck(3, { test: 'steady' }),
])
const head = report([
  budgetCheck('telemetry', { allocated: { baseline: 100_000, candidate: 450_000 } }),
  budgetCheck('cache', { retained: 60_000, retainedUncertainty: 0, verdict: 'over' }),
  leakCheck(0, { test: 'new' }),
  budgetCheck('new-name', { test: 'renamed' }),
  leakCheck(-3, { test: 'steady' }),
])

describe('renderComparison', () => {
  test('the changed checks first, only the figures that moved, then added, removed, renamed; the checks within noise folded', () => {
    expect(renderComparison(compareReports(base, head))).toBe(`## Changes since base

**2 checks changed, 1 added, 1 removed** since the base run; 2 within noise; 1 renamed.

| | check | test | what changed | verdict |
| --- | --- | --- | --- | --- |
| ❌ | \`cache\` | telemetry.test.ts › cache stays within budget | retained +50 kB (+500%): 10 kB → 60 kB | ✅ within → ❌ **over** |
| 📈 | \`telemetry\` | telemetry.test.ts › telemetry stays within budget | allocated +200 kB/cycle (+133%): 150 kB/cycle → 350 kB/cycle | ✅ within |
| ➕ | toLeakMemory | client.test.ts › new | added | ✅ within |
| ➖ | toLeakMemory | client.test.ts › dropped | removed | ✅ within |
| ✏️ | \`new-name\` | telemetry.test.ts › renamed | renamed from \`old\`<br>figures within noise | ✅ within |

<details><summary>1 check within noise</summary>

| check | test | figures |
| --- | --- | --- |
| toLeakMemory | client.test.ts › steady | leak |

</details>
`)
  })

  test('with failOn: the regressions listed under the headline, in bold in their rows', () => {
    const markdown = renderComparison(compareReports(base, head, { failOn: parseFailOn({ allocated: '10%', retained: '4 kB' }) }))
    expect(markdown).toContain(`**2 increases over the limits** (allocated +10%, retained +4 kB): the comparison fails.

- "telemetry" (telemetry.test.ts › telemetry stays within budget): allocated +200 kB/cycle (+133%), over the +10% allowed
- "cache" (telemetry.test.ts › cache stays within budget): retained +50 kB (+500%), over the +4 kB allowed
`)
    expect(markdown).toContain('| **retained +50 kB (+500%): 10 kB → 60 kB** |')
    expect(renderComparison(compareReports(base, base, { failOn: parseFailOn({ allocated: '10%' }) }))).toContain('\n\nNo increase beyond noise over the limits (allocated +10%).\n\n')
  })

  test('a verdict that changed while no figure moved says why it can have', () => {
    const before = report([budgetCheck('cache', { retained: 10_000, retainedUncertainty: 0 })])
    const after = report([budgetCheck('cache', { retained: 10_500, retainedUncertainty: 0, verdict: 'over' })])
    const row = renderComparison(compareReports(before, after)).split('\n').find((line) => line.includes('`cache`'))
    expect(row).toBe('| ❌ | `cache` | telemetry.test.ts › cache stays within budget | figures within noise: the limits changed, or a figure sits at one | ✅ within → ❌ **over** |')
  })

  test('a run that changed nothing says so in one line, and shows no change', () => {
    expect(renderComparison(compareReports(base, base))).toBe(`## Changes since base

**No change since the base run**: 5 checks, every figure within noise.

<details><summary>5 checks within noise</summary>

| check | test | figures |
| --- | --- | --- |
| \`telemetry\` | telemetry.test.ts › telemetry stays within budget | retained, leak (baseline), leak (candidate), allocated, peak |
| \`cache\` | telemetry.test.ts › cache stays within budget | retained, leak (baseline), leak (candidate) |
| toLeakMemory | client.test.ts › dropped | leak |
| \`old\` | telemetry.test.ts › renamed | retained, leak (baseline), leak (candidate) |
| toLeakMemory | client.test.ts › steady | leak |

</details>
`)
    expect(renderComparison(compareReports(report([]), report([])))).toBe('## Changes since base\n\n**No memory check in either run.**\n')
  })

  test('environments: a warning when the figures do not compare, a line when they still do', () => {
    const node = renderComparison(compareReports(base, report(head.checks, { environment: { ...ENVIRONMENT, node: 'v22.12.0' } }), { failOn: parseFailOn({ retained: '4 kB' }) }))
    expect(node).toContain('> [!WARNING]\n> The runs differ in Node (`v24.21.0` → `v22.12.0`): figures across them do not compare, and no regression fails the comparison.')
    expect(node).toContain('**1 increase over the limits** (retained +4 kB): the comparison would fail, but the environments differ.')
    const kernel = renderComparison(compareReports(base, report(head.checks, { environment: { ...ENVIRONMENT, os: 'Linux 6.11.0' } })))
    expect(kernel).toContain('\n\nThe runs differ in OS (`Linux 6.8.0` → `Linux 6.11.0`); their figures still compare.\n\n')
  })

  test('a project, and a test renamed, are named; markdown in names is escaped', () => {
    const before = report([budgetCheck('cache', { test: 'caches *prices*', project: 'node' })])
    const after = report([budgetCheck('cache', { test: 'caches | prices', project: 'node' })])
    expect(renderComparison(compareReports(before, after))).toContain('| ✏️ | [node] `cache` | telemetry.test.ts › caches \\| prices | renamed from test `caches *prices*`<br>figures within noise | ✅ within |')
  })

  test('held under its limit: rows left out from the end, the checks within noise before the changed, with a line saying how many were left out', () => {
    const many = (n: number, retained: number) => report(Array.from({ length: n }, (_, i) => budgetCheck(`budget-${i}`, { retained, retainedUncertainty: 0 })))
    const grown = renderComparison(compareReports(many(600, 1_000), many(600, 90_000)))
    expect(grown.length).toBeLessThanOrEqual(60_000)
    const shown = grown.split('\n').filter((line) => line.startsWith('| 📈 |')).length
    expect(shown).toBeGreaterThan(100)
    expect(grown.endsWith(`\n\n… ${600 - shown} more checks left out to keep this under 60,000 characters; the comparison's JSON has them all.\n`)).toBe(true)
    expect(grown).not.toContain('<details>')

    const mixed = compareReports(report([...many(3, 1_000).checks, budgetCheck('grows', { retained: 1_000 })]), report([...many(3, 1_000).checks, budgetCheck('grows', { retained: 90_000 })]))
    const cut = renderComparison(mixed, { maxCharacters: 800 })
    expect(cut.length).toBeLessThanOrEqual(800)
    expect(cut).toContain('| 📈 | `grows` |')
    expect(cut).toContain('\n\n… 2 more checks left out to keep this under 800 characters')
    expect([cut.includes('budget-0'), cut.includes('budget-2')]).toEqual([true, false])
  })
})
