import { describe, expect, test } from 'vitest'
import type { TestModule } from 'vitest/node'
import { budgetChecks, cutBudgets } from '../../src/reporting/budget-recorder.ts'
import { cutRecord, type CheckRecord } from '../../src/reporting/check-record.ts'
import { collectRows } from '../../src/reporting/check-rows.ts'
import { buildReport, type ReportEnvironment } from '../../src/reporting/report-model.ts'
import { budgetCheck, leakCheck } from '../helpers/check-records.ts'

// The rows of a run from its test modules, as Vitest hands them to reporters (the few members read).

interface FakeTest {
  name: string
  records: CheckRecord[]
  retryCount?: number
}

function testModule(file: string, tests: FakeTest[], project = ''): TestModule {
  return {
    project: { name: project },
    relativeModuleId: file,
    children: {
      allTests: () => tests.map((t) => ({
        fullName: t.name,
        meta: () => ({ memoryBudget: t.records }),
        diagnostic: () => ({ retryCount: t.retryCount ?? 0, repeatCount: 0 }),
      })),
    },
  } as unknown as TestModule
}

const FILE = '/project/memory-budgets.json'
const hung = cutRecord({ matcher: 'toStayWithinMemoryBudget', budget: 'hang', budgetFile: FILE, cycles: 20, warmup: 20 }, { verdict: 'timed out', reason: 'the test timed out', where: 'warm-up cycle 1' }, 100)

describe('collectRows', () => {
  test('files in path order whatever order they ran in, projects first; tests and calls in their order', () => {
    const rows = collectRows([
      testModule('b.test.ts', [{ name: 'b1', records: [leakCheck(0)] }]),
      testModule('a.test.ts', [{ name: 'a1', records: [leakCheck(0), leakCheck(1)] }, { name: 'a2', records: [leakCheck(2)] }]),
      testModule('a.test.ts', [{ name: 'other', records: [leakCheck(3)] }], 'z-project'),
    ])
    expect(rows.map((row) => [row.file, row.test, row.record.block!.growth.perCycle])).toEqual([
      ['a.test.ts', 'a1', 0], ['a.test.ts', 'a1', 1], ['a.test.ts', 'a2', 2], ['b.test.ts', 'b1', 0], ['a.test.ts', 'other', 3],
    ])
  })

  test('a row names its project when the run has named projects, and none in a run without (one unnamed project)', () => {
    const rows = collectRows([
      testModule('a.test.ts', [{ name: 'plain', records: [leakCheck(0)] }]),
      testModule('a.test.ts', [{ name: 'in node', records: [leakCheck(1)] }], 'node'),
    ])
    expect(rows.map((row) => [row.project, row.test])).toEqual([[undefined, 'plain'], ['node', 'in node']])
    const checks = buildReport(rows, { root: '/project', createdAt: new Date(0), environment: {} as ReportEnvironment, version: '0' }).checks
    expect(checks.map((check) => ['project' in check, check.project])).toEqual([[false, undefined], [true, 'node']])
  })

  test('a retried test: the checks of its attempts before the last are marked', () => {
    const attempt = (retry: number) => ({ ...leakCheck(retry), attempt: { retry, repeat: 0 } })
    const rows = collectRows([testModule('a.test.ts', [{ name: 'flaky', records: [attempt(0), attempt(1)], retryCount: 1 }])])
    expect(rows.map((row) => row.earlierAttempt ?? false)).toEqual([true, false])
  })
})

describe('what -u records from a run', () => {
  test('neither a check cut short nor an earlier attempt is a measurement to record', () => {
    const earlier = { ...budgetCheck({ budget: 'flaky', budgetFile: FILE }), attempt: { retry: 0, repeat: 0 } }
    const final = { ...budgetCheck({ budget: 'flaky', budgetFile: FILE, retained: 900 }), attempt: { retry: 1, repeat: 0 } }
    const modules = [testModule('a.test.ts', [
      { name: 'flaky', records: [earlier, final], retryCount: 1 },
      { name: 'hangs', records: [hung] },
      { name: 'fine', records: [budgetCheck({ budget: 'fine', budgetFile: FILE })] },
    ])]
    const byFile = budgetChecks(modules)
    expect([...byFile.get(FILE)!.keys()]).toEqual(['flaky', 'fine'])
    expect(byFile.get(FILE)!.get('flaky')).toEqual([final])
    expect(cutBudgets(modules, byFile)).toEqual(['"hang" (timed out)'])
  })

  test('a budget cut short in one test but measured in another is recorded, not listed as cut', () => {
    const modules = [testModule('a.test.ts', [{ name: 'hangs', records: [hung] }, { name: 'measures', records: [budgetCheck({ budget: 'hang', budgetFile: FILE })] }])]
    const byFile = budgetChecks(modules)
    expect([...byFile.get(FILE)!.keys()]).toEqual(['hang'])
    expect(cutBudgets(modules, byFile)).toEqual([])
  })
})
