import { describe, expect, test } from 'vitest'
import { stdoutOwner } from '../../src/reporting/plugin-output.ts'

describe('stdoutOwner: which reporter prints a document to stdout', () => {
  test.each([
    ['tap', [['tap', {}]], undefined, '5.1.2', 'tap'],
    ['tap-flat', [['default', {}], ['tap-flat', {}]], undefined, '4.1.12', 'tap-flat'],
    ['json on Vitest 4, no output file', [['json', {}]], undefined, '4.1.12', 'json'],
    ['json on Vitest 5, no output file: written under .vitest/', [['json', {}]], undefined, '5.1.2', undefined],
    ['json on Vitest 5 with stdout: true', [['json', { stdout: true }]], undefined, '5.1.2', 'json'],
    ['json with its own outputFile', [['json', { outputFile: 'r.json', stdout: true }]], undefined, '4.1.12', undefined],
    ['json with the config outputFile for it', [['json', {}]], { json: 'r.json' }, '4.1.12', undefined],
    ['json with an outputFile for another reporter only', [['json', {}]], { junit: 'r.xml' }, '4.1.12', 'json'],
    ['junit with a single outputFile', [['junit', {}]], 'r.xml', '4.1.12', undefined],
    ['junit on Vitest 5 with stdout: true', [['junit', { stdout: true }]], undefined, '5.1.2', 'junit'],
    ['default, dot, verbose', [['default', {}], ['dot', {}], ['verbose', {}]], undefined, '5.1.2', undefined],
    ['a reporter object', [{ onTestRunEnd() {} }], undefined, '5.1.2', undefined],
  ] as const)('%s', (_name, reporters, outputFile, version, owner) => {
    expect(stdoutOwner(reporters, outputFile, version)).toBe(owner)
  })
})
