import { stripVTControlCharacters } from 'node:util'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { formatSummary, type SummaryRow } from '../../src/reporting/summary-reporter.ts'
import { formatRecording } from '../../src/reporting/budget-recorder.ts'
import { budgetCheck, group, leakCheck } from '../helpers/check-records.ts'

const rows: SummaryRow[] = [
  {
    file: 'client.test.ts',
    test: 'telemetry stays within its memory budget',
    record: budgetCheck({ retainedLimit: 600_000, candidate: 2060, leakLimit: 1000, leakOver: ['candidate'], candidateGroups: [group('TelemetryEvent', 20, 800)] }),
  },
  { file: 'client.test.ts', test: 'a connection cycle leaks nothing', record: leakCheck(3) },
]

describe('formatSummary', () => {
  afterEach(() => vi.unstubAllEnvs())

  test('a row per check, with the largest group of objects left behind', () => {
    vi.stubEnv('NO_COLOR', '1')
    vi.stubEnv('FORCE_COLOR', undefined)
    expect(stripVTControlCharacters(formatSummary(rows))).toBe([
      '',
      ' Memory budgets',
      '    check         test                                      cycles  retained       leak/cycle (without / with)  allocated/cycle  peak  objects (top group)  verdict',
      '  client.test.ts',
      '    "telemetry"   telemetry stays within its memory budget  20+20   41.2 kB ±39 B  0 B/cycle / 2.06 kB/cycle    -                -     TelemetryEvent x20   over',
      '    toLeakMemory  a connection cycle leaks nothing          20      -              3 B/cycle                    -                -     -                    within',
      '',
    ].join('\n'))
  })

  test('on a terminal, the figure over its limit and the verdict stand out in bold red, the rest does not', () => {
    vi.stubEnv('NO_COLOR', undefined)
    vi.stubEnv('FORCE_COLOR', '1')
    const table = formatSummary(rows)
    const boldRed = (text: string) => `\u001b[1m\u001b[31m${text}\u001b[39m\u001b[22m`
    expect(table).toContain(`0 B/cycle / ${boldRed('2.06 kB/cycle')}`)
    expect(table).toContain(boldRed('over'))
    expect(table).not.toContain(boldRed('41.2 kB'))
    expect(table).not.toContain(boldRed('within'))
  })
})

describe('formatRecording', () => {
  test('says what was added, what changed from what to what, and what stayed', () => {
    const text = formatRecording({
      file: '/project/memory-budgets.json',
      outcome: 'written',
      updates: [
        { name: 'search', status: 'added', changes: [{ path: ['retained'], after: '9 kB' }] },
        { name: 'telemetry', status: 'changed', changes: [{ path: ['retained'], before: '600 kB', after: '52 kB' }, { path: ['leak'], before: 1000, after: '2.6 kB' }] },
        { name: 'cache', status: 'changed', changes: [{ path: ['objects', 'Entry'], before: 0, after: 25 }] },
        { name: 'clean', status: 'unchanged', changes: [] },
        { name: 'pool', status: 'unchanged', changes: [] },
      ],
    }, '/project')
    expect(text).toBe([
      '',
      ' Memory budgets recorded in memory-budgets.json',
      '   added      "search"     retained 9 kB',
      '   changed    "telemetry"  retained 600 kB -> 52 kB, leak 1 kB/cycle -> 2.6 kB/cycle',
      '   changed    "cache"      objects.Entry 0 -> 25',
      '   unchanged  "clean", "pool"',
      '',
    ].join('\n'))
  })
})
