import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEFAULT_HEADROOM, recommend } from '../../src/budgets/record-budget.ts'
import { formatSize } from '../../src/budgets/sizes.ts'
import type { MemoryReport, ReportCheck } from '../../src/reporting/report-model.ts'
import { copySuite, type SuiteCopy } from '../helpers/copy-suite.ts'
import { runSuite, type SuiteRun, whyOf } from '../helpers/run-vitest.ts'

// `vitest -u` as snapshots do it, on a copy of fixtures/suites/record-leak: limits that hold stay as
// written, byte for byte; a leak is never recorded as allowed, and its check fails saying so.

/** The repository's own CI may set CI: recording runs must not inherit it. */
const LOCAL = { CI: undefined }
const SIZE = /^\d+(\.\d+)? (B|kB|MB)$/

function readReport(root: string): MemoryReport {
  return JSON.parse(readFileSync(path.join(root, 'memory-report/memory-report.json'), 'utf8')) as MemoryReport
}

function checkOf(report: MemoryReport, budget: string): ReportCheck {
  return report.checks.find((check) => check.budget === budget)!
}

/** `LeakedEvent (31 in 31 cycles)`, as the check's own report counts them. */
function keptObjects(check: ReportCheck): string {
  const kept = check.findings.find((f) => f.key === 'objectLeak' && f.subject === 'candidate')!
  return `${kept.group!.name} (${kept.measured} in ${check.cycles + check.candidateWarmupRun!} cycles)`
}

describe('vitest -u on limits that hold, and on leaks', () => {
  let suite: SuiteCopy
  let file: string
  let shown: string
  let before: string
  beforeAll(() => {
    suite = copySuite('record-leak')
    file = path.join(suite.root, 'memory-budgets.json')
    shown = path.relative(process.cwd(), file)
    before = readFileSync(file, 'utf8')
  })
  afterAll(() => suite?.remove())

  describe('when every check passes', () => {
    let run: SuiteRun
    beforeAll(async () => {
      run = await runSuite(suite.root, { update: true, files: ['holds.test.ts'], mainEnv: LOCAL })
    })

    test('the file stays byte for byte as it was: limits far above the measurement are neither tightened nor loosened', () => {
      expect(run.states, whyOf(run)).toEqual({ 'limits set by hand far above what is measured': 'passed', 'a leak limit of 0 that holds': 'passed' })
      expect(readFileSync(file, 'utf8')).toBe(before)
      expect(run.output).toContain(`\n Memory budgets in ${shown}: nothing to record\n   unchanged  "held", "tight"\n`)
    })
  })

  describe('when checks leak', () => {
    let run: SuiteRun
    let report: MemoryReport
    let after: string
    beforeAll(async () => {
      run = await runSuite(suite.root, { update: true, mainEnv: LOCAL })
      report = readReport(suite.root)
      after = readFileSync(file, 'utf8')
    })

    test('the leaking checks fail under -u; the others pass', () => {
      expect(run.states, whyOf(run)).toEqual({
        'limits set by hand far above what is measured': 'passed',
        'a leak limit of 0 that holds': 'passed',
        'a budget whose candidate leaks': 'failed',
        'a budget the file lacks, whose candidate leaks': 'failed',
        'a budget the file lacks, that keeps nothing': 'passed',
      })
      expect(run.exitCode).toBe(1)
    })

    test('each says it was not recorded because it leaks, what confirmed it, and what to write by hand where', () => {
      const leaky = run.errors['a budget whose candidate leaks']!
      expect(leaky).toMatch(/^memory budget "leaky" exceeded \(10 cycles without, 10 with\)\n/)
      const allowed = /"leak": "([^"]+)"/.exec(leaky)?.[1]
      expect(allowed).toMatch(SIZE)
      expect(leaky.slice(leaky.indexOf('\nbudget file: '))).toBe([
        '',
        `budget file: ${file}`,
        'vitest -u did not record budget "leaky": it leaks, and -u never records a leak as allowed.',
        `  candidate keeps objects every cycle: ${keptObjects(checkOf(report, 'leaky'))}`,
        `To allow the leak, write "leak": "${allowed}" in budget "leaky" of ${file} by hand; or fix it.`,
      ].join('\n'))

      const missing = run.errors['a budget the file lacks, whose candidate leaks']!
      const allowedMissing = /"leak": "([^"]+)"/.exec(missing)?.[1]
      expect(allowedMissing).toMatch(SIZE)
      expect(missing.slice(missing.indexOf('\nbudget file: '))).toBe([
        '',
        `budget file: ${file}`,
        'vitest -u did not record budget "missing-leaky": it leaks, and -u never records a leak as allowed.',
        `  candidate keeps objects every cycle: ${keptObjects(checkOf(report, 'missing-leaky'))}`,
        `To allow the leak, add "missing-leaky": { "leak": "${allowedMissing}" } to "budgets" in ${file} by hand; or fix it.`,
      ].join('\n'))
    })

    test('the file gains the budget that keeps nothing, and not a byte else: the leaking budgets stay as written, or absent', () => {
      const recorded = formatSize(recommend({ value: checkOf(report, 'new').retained!.bytes, uncertainty: checkOf(report, 'new').retained!.uncertainty }, 'size', DEFAULT_HEADROOM))
      const leakyLine = '"leaky": { "retained": "600 kB", "leak": "0 B" }'
      expect(after).toBe(before.replace(leakyLine, `${leakyLine},\n    "new": { "retained": "${recorded}" }`))
    })

    test('the terminal lists the leaks apart, with the same limit to write by hand', () => {
      const allowed = (test: string) => /"leak": "([^"]+)"/.exec(run.errors[test]!)![1]
      expect(run.output).toContain([
        ` Memory budgets recorded in ${shown}`,
        `   added      "new"            retained ${JSON.parse(after).budgets.new.retained}`,
        `   leaks      "leaky"          not recorded: candidate keeps objects every cycle: ${keptObjects(checkOf(report, 'leaky'))}; to allow it, write "leak": "${allowed('a budget whose candidate leaks')}" by hand`,
        `   leaks      "missing-leaky"  not recorded: candidate keeps objects every cycle: ${keptObjects(checkOf(report, 'missing-leaky'))}; to allow it, write "leak": "${allowed('a budget the file lacks, whose candidate leaks')}" by hand`,
        '   unchanged  "held", "tight"',
        '',
      ].join('\n'))
    })

    describe('and the leaks are then allowed by hand, as the messages say', () => {
      let allowedRun: SuiteRun
      beforeAll(async () => {
        const leak = (test: string) => /"leak": "([^"]+)"/.exec(run.errors[test]!)![1]
        const text = readFileSync(file, 'utf8')
          .replace('"leaky": { "retained": "600 kB", "leak": "0 B" }', `"leaky": { "retained": "600 kB", "leak": "${leak('a budget whose candidate leaks')}" }`)
          .replace('\n  }\n}\n', `,\n    "missing-leaky": { "leak": "${leak('a budget the file lacks, whose candidate leaks')}" }\n  }\n}\n`)
        writeFileSync(file, text)
        allowedRun = await runSuite(suite.root, { files: ['leaks.test.ts'], mainEnv: LOCAL })
      })

      test('the checks pass without -u', () => {
        expect(allowedRun.states, whyOf(allowedRun)).toEqual({
          'a budget whose candidate leaks': 'passed',
          'a budget the file lacks, whose candidate leaks': 'passed',
          'a budget the file lacks, that keeps nothing': 'passed',
        })
      })
    })
  })
})
