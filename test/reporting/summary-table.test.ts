import { stripVTControlCharacters } from 'node:util'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { cutRecord } from '../../src/reporting/check-record.ts'
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
      ' 1 of 2 memory checks over budget, 1 within (1 budget checked, 1 leak check).',
      '',
    ].join('\n'))
  })

  test('a check cut short is a row with its verdict, a line saying why and where, and counts in the last line', () => {
    vi.stubEnv('NO_COLOR', '1')
    vi.stubEnv('FORCE_COLOR', undefined)
    const hung = cutRecord({ matcher: 'toLeakMemory', cycles: 10, warmup: 20 }, {
      verdict: 'timed out', reason: 'the test timed out', where: "measured cycle 3 of 10 ({ enabled: false, cycle: 25 }), whose block's promise had not settled",
    }, 3000)
    const threw = cutRecord({ matcher: 'toStayWithinMemoryBudget', budget: 'clean', budgetFile: '/project/memory-budgets.json', cycles: 20, warmup: 20 }, {
      verdict: 'aborted', reason: 'error: boom in cycle 3', where: 'warm-up cycle 4 ({ enabled: false, cycle: 3 })',
    }, 40)
    const table = stripVTControlCharacters(formatSummary([
      { file: 'hang.test.ts', test: 'a block that never settles', record: hung },
      { file: 'hang.test.ts', test: 'a block that throws', record: threw },
      rows[1]!,
    ]))
    expect(table).toBe([
      '',
      ' Memory budgets',
      '    check         test                              cycles  retained  leak/cycle (without / with)  allocated/cycle  peak  objects (top group)  verdict',
      '  hang.test.ts',
      '    toLeakMemory  a block that never settles        10      -         -                            -                -     -                    timed out',
      "                  the test timed out, in measured cycle 3 of 10 ({ enabled: false, cycle: 25 }), whose block's promise had not settled",
      '    "clean"       a block that throws               20+20   -         -                            -                -     -                    aborted',
      '                  error: boom in cycle 3, in warm-up cycle 4 ({ enabled: false, cycle: 3 })',
      '  client.test.ts',
      '    toLeakMemory  a connection cycle leaks nothing  20      -         3 B/cycle                    -                -     -                    within',
      '',
      ' 2 of 3 memory checks did not pass: 1 timed out, 1 aborted; 1 within (1 budget checked, 2 leak checks).',
      '',
    ].join('\n'))
  })

  test('a retried test: its earlier attempts are marked and not counted, its final attempt is', () => {
    vi.stubEnv('NO_COLOR', '1')
    vi.stubEnv('FORCE_COLOR', undefined)
    const attempt = (retry: number, over: boolean): SummaryRow => ({
      file: 'flaky.test.ts', test: 'a flaky leak', record: { ...leakCheck(over ? 2000 : 0, { over }), attempt: { retry, repeat: 0 } }, ...(retry < 2 && { earlierAttempt: true }),
    })
    const table = stripVTControlCharacters(formatSummary([attempt(0, true), attempt(1, true), attempt(2, false)]))
    expect(table.split('\n').slice(3)).toEqual([
      '  flaky.test.ts',
      '    toLeakMemory  a flaky leak  20      -         2 kB/cycle                   -                -     -                    over (attempt 1, retried)',
      '    toLeakMemory  a flaky leak  20      -         2 kB/cycle                   -                -     -                    over (attempt 2, retried)',
      '    toLeakMemory  a flaky leak  20      -         0 B/cycle                    -                -     -                    within',
      '',
      ' All 1 memory check within budget (0 budgets checked, 1 leak check). Not counted: 2 earlier attempts of retried tests.',
      '',
    ])
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

  test('says relative limits as written', () => {
    const text = formatRecording({
      file: '/project/memory-budgets.json',
      outcome: 'written',
      updates: [
        { name: 'telemetry', status: 'changed', changes: [{ path: ['allocated'], before: '2%', after: '6.3%' }] },
        { name: 'parser', status: 'changed', changes: [{ path: ['peak'], before: { most: '600 kB', share: '2%' }, after: { most: '600 kB', share: '6.3%' } }] },
      ],
    }, '/project')
    expect(text.split('\n').slice(2, 4)).toEqual([
      '   changed    "telemetry"  allocated 2% -> 6.3%',
      '   changed    "parser"     peak { "most": "600 kB", "share": "2%" } -> { "most": "600 kB", "share": "6.3%" }',
    ])
  })

  test('lists the budgets whose checks leaked, with what confirmed it and the limit to write by hand; those not kept as unchanged', () => {
    const events = { subject: 'candidate' as const, confirmedBy: { kind: 'objects' as const, groups: [{ name: 'Event', count: 20 }], cycles: 20 }, allowance: 110 }
    const text = formatRecording({
      file: '/project/memory-budgets.json',
      outcome: 'written',
      updates: [
        { name: 'search', status: 'added', changes: [{ path: ['retained'], after: '9 kB' }], leaks: [events] },
        { name: 'events', status: 'unchanged', changes: [], leaks: [events, { subject: 'baseline', confirmedBy: { kind: 'growth', perCycle: 2060, firstHalf: 2000, secondHalf: 2100 }, allowance: 2600 }] },
        { name: 'clean', status: 'unchanged', changes: [] },
      ],
    }, '/project')
    expect(text).toBe([
      '',
      ' Memory budgets recorded in memory-budgets.json',
      '   added      "search"  retained 9 kB',
      '   leaks      "search"  not recorded: candidate keeps objects every cycle: Event (20 in 20 cycles); to allow it, write "leak": "110 B" by hand',
      '   leaks      "events"  not recorded: candidate keeps objects every cycle: Event (20 in 20 cycles); baseline grows 2.06 kB/cycle, steady in both halves (2 kB/cycle then 2.1 kB/cycle); to allow it, write "leak": "2.6 kB" by hand',
      '   unchanged  "clean"',
      '',
    ].join('\n'))
  })
})
