import { describe, expect, test } from 'vitest'
import { describeLeak, formatLeaksNotRecorded } from '../../src/budgets/leaks-not-recorded.ts'
import type { LeakNotRecorded } from '../../src/budgets/record-budget.ts'

const objects: LeakNotRecorded = {
  subject: 'candidate',
  confirmedBy: { kind: 'objects', groups: [{ name: 'LeakedEvent', count: 30 }, { name: 'Array', count: 29 }], cycles: 30 },
  allowance: 1300,
}
const growth: LeakNotRecorded = { subject: 'baseline', confirmedBy: { kind: 'growth', perCycle: 1060, firstHalf: 1100, secondHalf: 1000 }, allowance: 1400 }

describe('the words for a leak -u did not record', () => {
  test('what confirmed it: objects kept every cycle, or steady growth in both halves', () => {
    expect(describeLeak(objects)).toBe('candidate keeps objects every cycle: LeakedEvent (30 in 30 cycles), Array (29 in 30 cycles)')
    expect(describeLeak(growth)).toBe('baseline grows 1.06 kB/cycle, steady in both halves (1.1 kB/cycle then 1 kB/cycle)')
  })

  test('the check says why nothing was recorded, what confirmed it, and the limit to write by hand, in which budget of which file', () => {
    expect(formatLeaksNotRecorded('leaky', [objects, growth], { kind: 'entry', budget: 'leaky', file: '/project/memory-budgets.json' })).toBe([
      'vitest -u did not record budget "leaky": it leaks, and -u never records a leak as allowed.',
      '  candidate keeps objects every cycle: LeakedEvent (30 in 30 cycles), Array (29 in 30 cycles)',
      '  baseline grows 1.06 kB/cycle, steady in both halves (1.1 kB/cycle then 1 kB/cycle)',
      'To allow the leak, write "leak": "1.4 kB" in budget "leaky" of /project/memory-budgets.json by hand; or fix it.',
    ].join('\n'))
  })

  test('a budget the file lacks is added by hand; a leak limit set in code is raised there', () => {
    expect(formatLeaksNotRecorded('new', [objects], { kind: 'new entry', budget: 'new', file: '/project/memory-budgets.json' }).split('\n').at(-1)).toBe(
      'To allow the leak, add "new": { "leak": "1.3 kB" } to "budgets" in /project/memory-budgets.json by hand; or fix it.',
    )
    expect(formatLeaksNotRecorded('leaky', [objects], { kind: 'override' }).split('\n').at(-1)).toBe(
      'To allow the leak, raise the "leak" this check overrides in its code to "1.3 kB"; or fix it.',
    )
  })
})
