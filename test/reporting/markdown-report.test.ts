import { describe, expect, test } from 'vitest'
import { cell, code, headingSlug, renderMarkdown } from '../../src/reporting/markdown-report.ts'
import { cutRecord, type CheckRecord } from '../../src/reporting/check-record.ts'
import { buildReport, type ReportEnvironment } from '../../src/reporting/report-model.ts'
import type { SummaryRow } from '../../src/reporting/summary-reporter.ts'
import { budgetCheck, group, leakCheck } from '../helpers/check-records.ts'

const environment: ReportEnvironment = {
  node: 'v24.21.0', v8: '13.6.233.10-node.27', os: 'Linux 6.8.0', arch: 'x64', cpu: 'AMD EPYC 7B13', cpus: 2, memory: 8_300_000_000,
  vitest: '5.1.1', pools: ['threads'], ci: false,
}
const context = { root: '/project', createdAt: new Date('2026-11-25T18:00:00.000Z'), environment, version: '0.1.0' }
const path = '(closure) -> client: Object -> queue: Array -> [19]: TelemetryEvent'

const telemetry: SummaryRow = {
  file: 'client.test.ts',
  test: 'telemetry stays within its memory budget',
  record: budgetCheck({
    retainedLimit: 600_000, candidate: 2060, leakLimit: 1000, leakOver: ['candidate'],
    candidateGroups: [group('TelemetryEvent', 20, 800, { retainedSize: 40, path })], baselineGroups: [],
  }),
}
const clean: SummaryRow = { file: 'client.test.ts', test: 'a connection cycle leaks nothing', record: leakCheck(3) }

function render(rows: SummaryRow[], options?: Parameters<typeof renderMarkdown>[1]): string {
  return renderMarkdown(buildReport(rows, context), options)
}

describe('renderMarkdown', () => {
  const markdown = render([telemetry, clean])

  test('opens with the verdicts', () => {
    expect(markdown.startsWith('# Memory report\n\n**1 of 2 memory checks over budget**, 1 within (1 budget checked, 1 leak check).\n\n')).toBe(true)
    expect(render([clean])).toContain('**All 1 memory check within budget** (0 budgets checked, 1 leak check).')
  })

  test('a summary row per check, the figure over its limit in bold, linked to its section', () => {
    expect(markdown).toContain(
      '| verdict | check | test | cycles | retained | leak/cycle | objects (top group) |\n' +
        '| --- | --- | --- | ---: | ---: | ---: | --- |\n' +
        '| ❌ **over** | [`telemetry`](#01-budget-telemetry-over-budget) | client.test.ts › telemetry stays within its memory budget | 20+20 | 41.2 kB ±39 B | 0 B / **2.06 kB** | TelemetryEvent ×20 |\n' +
        '| ✅ within | [toLeakMemory](#02-toleakmemory-within-budget) | client.test.ts › a connection cycle leaks nothing | 20 | – | 3 B | – |\n',
    )
    expect(markdown).toContain('\n## 01. Budget "telemetry": over budget\n')
    expect(headingSlug('01. Budget "telemetry": over budget')).toBe('01-budget-telemetry-over-budget')
    expect(markdown).toContain('\n## 02. toLeakMemory: within budget\n')
  })

  test('per budget: baseline, candidate, overhead and limit side by side', () => {
    expect(markdown).toContain(
      '`client.test.ts` › telemetry stays within its memory budget  \n' +
        '20 cycles without the feature, 20 with · warm-up 20 · 1.9 s · budget file `memory-budgets.json`\n\n' +
        '|  | baseline (without) | candidate (with) | overhead | limit | verdict |\n' +
        '| --- | ---: | ---: | ---: | ---: | --- |\n' +
        '| post-GC heap over the cycles | 0 B from 10.2 MB | +41.2 kB from 10.2 MB | 41.2 kB ±39 B | 600 kB | within |\n' +
        '| growth per cycle | 0 B/cycle ±10 B | **2.06 kB/cycle** ±10 B | +2.06 kB | 1 kB/cycle each | **over** |\n' +
        '| objects left behind | 0 (0 B) | 20 (800 B) | +800 B | – | – |\n',
    )
  })

  test('a check that read the heap every second cycle says so beside its cycles', () => {
    const every = { ...telemetry, record: { ...telemetry.record, callsPerReading: 2 } }
    expect(render([every])).toContain('20 cycles without the feature, 20 with (heap read after every 2nd) · warm-up 20 · 1.9 s')
    expect(render([{ ...clean, record: { ...clean.record, callsPerReading: 2 } }])).toContain('20 cycles (heap read after every 2nd) · warm-up 20 ·')
    expect(render([every])).toContain('![Post-GC heap after every 2nd cycle: baseline 0 B/cycle, candidate 2.06 kB/cycle]')
  })

  test('read every second call, a warm-up runs whole readings: one call past an odd warm-up is not V8 compiling for longer', () => {
    const rewarmed = (warmupRun: number) => render([{ ...clean, record: { ...clean.record, callsPerReading: 2, warmup: 5, warmupRun } }])
    expect(rewarmed(6)).toContain('20 cycles (heap read after every 2nd) · warm-up 6 ·')
    expect(rewarmed(8)).toContain('20 cycles (heap read after every 2nd) · warm-up 8 (V8 compiled for longer) ·')
  })

  test('links the chart, relative, with words for those who cannot see it', () => {
    expect(markdown).toContain('![Post-GC heap after each cycle: baseline 0 B/cycle, candidate 2.06 kB/cycle](memory-report-01-telemetry.svg)')
    expect(markdown).toContain('![Post-GC heap after each cycle: block 3 B/cycle](memory-report-02-a-connection-cycle-leaks-nothing.svg)')
  })

  test('lists the findings, over ones first', () => {
    expect(markdown).toContain(
      '- **over**: candidate grows 2.06 kB/cycle (±10 B/cycle); limit 1 kB/cycle\n' +
        '- within: retained 41.2 kB (±39 B); limit 600 kB\n' +
        '- within: baseline grows 0 B/cycle (±10 B/cycle); limit 1 kB/cycle\n',
    )
  })

  test('the objects left behind, with the path that holds one of them', () => {
    expect(markdown).toContain(
      '### Objects left behind\n\n' +
        '| variant | objects | count | per cycle | bytes | one retains | held by |\n' +
        '| --- | --- | ---: | ---: | ---: | ---: | --- |\n' +
        `| candidate | TelemetryEvent | 20 | 1 | 800 B | 40 B | \`${path}\` |\n`,
    )
  })

  test('the environment', () => {
    expect(markdown.endsWith(
      '## Environment\n\n|  |  |\n| --- | --- |\n' +
        '| Node | v24.21.0, V8 13.6.233.10-node.27 |\n| OS | Linux 6.8.0 (x64) |\n| CPU | AMD EPYC 7B13 × 2 |\n| Memory | 8.3 GB |\n' +
        '| Vitest | 5.1.1, pool threads |\n| CI | no |\n| Date | 2026-11-25 18:00:00 UTC |\n',
    )).toBe(true)
  })

  test('allocation figures render only when a record has them', () => {
    expect(markdown).not.toContain('allocates more')
    expect(markdown).not.toContain('allocated per cycle')
    const allocations: NonNullable<CheckRecord['allocations']> = {
      baseline: { bytesPerCycle: 1_000_000, peak: 12_000_000, peakAboveStart: 1_200_000, cyclePeak: 1_100_000 },
      candidate: { bytesPerCycle: 1_250_000, peak: 12_500_000, peakAboveStart: 1_700_000, cyclePeak: 1_600_000 },
      extraBytesPerCycle: 250_000,
      extraPeak: 500_000,
      extraPeakRange: { low: 490_000, high: 530_000 },
      sites: [
        { functionName: 'serialize', file: 'src/telemetry/serialize.ts', line: 12, kind: 'code', bytesPerCycle: 200_000, share: 0.8 },
        { functionName: 'cloneDeep', file: 'node_modules/lodash/cloneDeep.js', line: 3, kind: 'package', package: 'lodash', bytesPerCycle: 50_000, share: 0.2 },
      ],
      direct: { bytesPerCycle: 200_000, indirect: [{ name: 'lodash', bytesPerCycle: 50_000 }] },
      samplingInterval: 512,
      durationMs: 300,
    }
    const record = budgetCheck({
      retainedLimit: 600_000,
      extraFindings: [{ key: 'allocated', subject: 'candidate', measured: 250_000, limit: 200_000, uncertainty: 4000, over: true }],
    })
    const withAllocations = render([{ ...telemetry, record: { ...record, allocations } }])
    expect(withAllocations).toContain(
      '| allocated per cycle (garbage included) | 1 MB/cycle | 1.25 MB/cycle | **+250 kB/cycle** | 200 kB/cycle | **over** |\n' +
        '| peak heap in a cycle (median) | 1.1 MB | 1.6 MB | +500 kB ±10 kB | – | – |\n',
    )
    expect(withAllocations).toContain('- **over**: candidate allocates +250 kB/cycle more than the baseline (±4 kB); limit 200 kB/cycle\n')
    expect(withAllocations).toContain(
      '### Where the candidate allocates more\n\n' +
        'Extra bytes per cycle beyond the baseline, by function (the line is where the function starts: V8 samples functions, not lines).\n\n' +
        '| function | where | kind | extra per cycle | share |\n| --- | --- | --- | ---: | ---: |\n' +
        '| `serialize` | `src/telemetry/serialize.ts:12` | code | 200 kB/cycle | 80% |\n' +
        '| `cloneDeep` | `node_modules/lodash/cloneDeep.js:3` | lodash | 50 kB/cycle | 20% |',
    )
    expect(withAllocations).toContain(
      '### Direct and indirect allocation\n\n| part | extra per cycle | share |\n| --- | ---: | ---: |\n' +
        '| direct (the feature’s own files) | 200 kB/cycle | 80% |\n| indirect (made on its behalf elsewhere) | 50 kB/cycle | 20% |\n|   · lodash | 50 kB/cycle | 20% |',
    )
  })

  test('a limit written as a share shows the share, what it came to, and the extra as a share of the baseline', () => {
    const allocations: NonNullable<CheckRecord['allocations']> = {
      baseline: { bytesPerCycle: 1_000_000, peak: 12_000_000, peakAboveStart: 1_200_000, cyclePeak: 1_000_000 },
      candidate: { bytesPerCycle: 1_050_000, peak: 12_100_000, peakAboveStart: 1_300_000, cyclePeak: 1_100_000 },
      extraBytesPerCycle: 50_000,
      extraPeak: 100_000,
      extraPeakRange: { low: 90_000, high: 110_000 },
      sites: [],
      samplingInterval: 512,
      durationMs: 300,
    }
    const record = budgetCheck({
      retainedLimit: 600_000,
      extraFindings: [
        { key: 'allocated', subject: 'candidate', measured: 50_000, limit: 20_000, uncertainty: 4000, over: true, relative: { share: 2, baseline: 1_000_000 } },
        { key: 'peak', subject: 'candidate', measured: 100_000, limit: 150_000, uncertainty: 10_000, over: false, relative: { share: 20, baseline: 1_000_000, most: 150_000 } },
      ],
    })
    const report = buildReport([{ ...telemetry, record: { ...record, allocations } }], context)
    expect(report.checks[0]!.limits).toEqual({
      retained: 600_000,
      leak: 0,
      allocated: 20_000,
      peak: 150_000,
      shares: { allocated: { share: 2, baseline: 1_000_000 }, peak: { share: 20, baseline: 1_000_000, most: 150_000 } },
    })
    const markdown = renderMarkdown(report)
    expect(markdown).toContain(
      '| allocated per cycle (garbage included) | 1 MB/cycle | 1.05 MB/cycle | **+50 kB/cycle** | 2% (20 kB/cycle) | **over** |\n' +
        '| peak heap in a cycle (median) | 1 MB | 1.1 MB | +100 kB ±10 kB | 150 kB (most; 20% is 200 kB) | within |\n',
    )
    expect(markdown).toContain("- **over**: candidate allocates +50 kB/cycle more than the baseline (+5.0% of the baseline's 1 MB/cycle) (±4 kB); limit 2% (20 kB/cycle)\n")
    expect(markdown).toContain("- within: candidate's heap peaks +100 kB higher than the baseline's in a typical cycle (+10.0% of the baseline's 1 MB) (±10 kB); limit 150 kB (most; 20% is 200 kB)\n")
  })

  test("GitHub's step summary: no images, sections only for checks over budget", () => {
    const summary = render([telemetry, clean], { charts: false, details: 'over' })
    expect(summary).not.toContain('![')
    expect(summary).toContain('## 01. Budget "telemetry": over budget')
    expect(summary).not.toContain('## 02.')
    expect(summary).toContain('| ✅ within | toLeakMemory | client.test.ts › a connection cycle leaks nothing |')
  })

  test("GitHub's step summary: a check cut short gets its section too", () => {
    const hung: SummaryRow = {
      file: 'hang.test.ts',
      test: 'a block that never settles',
      record: cutRecord({ matcher: 'toLeakMemory', cycles: 10, warmup: 20 }, { verdict: 'timed out', reason: 'the test timed out', where: 'warm-up cycle 1' }, 3000),
    }
    const summary = render([clean, hung], { charts: false, details: 'over' })
    expect(summary).toContain('**1 of 2 memory checks timed out**, 1 within (0 budgets checked, 2 leak checks).')
    expect(summary).toContain('\n## 02. toLeakMemory: timed out\n\n`hang.test.ts` › a block that never settles  \nplanned: 10 cycles after 20 warm-up · stopped after 3.0 s\n\n' +
      '**Timed out**: the test timed out, in warm-up cycle 1. No figures: the check stopped before its verdict.\n')
    expect(summary).not.toContain('## 01.')
  })

  test("a shard's report says that it covers one shard", () => {
    const report = buildReport([telemetry], { ...context, shard: { index: 2, count: 3 } })
    expect(report.shard).toEqual({ index: 2, count: 3 })
    expect(renderMarkdown(report).split('\n')[2]).toBe(
      "**1 of 1 memory check over budget**, 0 within (1 budget checked, 0 leak checks). This is shard 2 of 3: `vitest --merge-reports` on the shards' blobs gives the whole run's report.",
    )
  })

  test('names are escaped: a pipe does not split a cell, markdown in a test name stays text', () => {
    const odd: SummaryRow = { file: 'a.test.ts', test: 'keeps *no* [links] | pipes', record: leakCheck(3) }
    expect(render([odd])).toContain('| a.test.ts › keeps \\*no\\* \\[links\\] \\| pipes |')
    expect(cell('a|b')).toBe('a\\|b')
    expect(code('x `y` | z')).toBe('``x `y` \\| z``')
  })
})

describe('a growing collection in the report', () => {
  test('its finding names the collection, its growth and what holds it', () => {
    const record = leakCheck(0)
    record.pass = false
    record.findings.push({
      key: 'collectionLeak', subject: 'block', measured: 20, limit: 0, uncertainty: 0, over: true,
      collection: { kind: 'Map', from: 4170, to: 4190, id: 7207, name: 'Map', storeBytes: 196_640, path: '(closure) -> seen: Map' },
    })
    const markdown = render([{ file: 'seen.test.ts', test: 'a seen-set leaks', record }])
    expect(markdown).toContain('- **over**: block keeps adding to a Map (+20 entries, 1 per cycle, 4170 to 4190, held by `(closure) -> seen: Map`)\n')
  })
})
