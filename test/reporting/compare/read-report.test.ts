import { expect, test } from 'vitest'
import { readReport } from '../../../src/reporting/compare/read-report.ts'
import { leakCheck, report } from '../../helpers/memory-reports.ts'

const EXPECTED = 'expected a memory-report.json written by vitest-memory-budget (report version 2)'
const reading = (text: string) => () => text
const missing = () => {
  throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' })
}

test('a report reads back as it was written', () => {
  const written = report([leakCheck(3)])
  expect(readReport('head.json', 'head', reading(JSON.stringify(written)))).toEqual(written)
})

test.each([
  ['a missing file', missing, `base report base.json: cannot read it (no such file); ${EXPECTED}`],
  ['not JSON', reading('{"version": 2,'), `base report base.json: not JSON (Expected double-quoted property name in JSON at position 14 (line 1 column 15)); ${EXPECTED}`],
  ['an array', reading('[]'), `base report base.json: not a memory report (not a JSON object); ${EXPECTED}`],
  ["another tool's JSON", reading('{"numTotalTests": 3}'), `base report base.json: not a memory report (no "generator": { "name": "vitest-memory-budget" }); ${EXPECTED}`],
  ['another version', reading(JSON.stringify({ ...report([]), version: 3 })), `base report base.json: report version 3, which this version of the package does not read; ${EXPECTED}`],
  ['a check without its name', reading(JSON.stringify(report([{ ...leakCheck(0), test: undefined as unknown as string }]))), `base report base.json: checks[0] lacks its "file", "test", "verdict" or "findings"; ${EXPECTED}`],
])('%s: one line naming the file and what was expected', (_, read, message) => {
  expect(() => readReport('base.json', 'base', read)).toThrow(message)
})
