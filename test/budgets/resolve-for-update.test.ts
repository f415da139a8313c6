import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BudgetError } from '../../src/budgets/budget-errors.ts'
import { RECORD_HINT } from '../../src/budgets/budget-errors.ts'
import { resolveBudgetForRun } from '../../src/budgets/resolve-for-update.ts'
import { recordingDecision } from '../../src/budgets/update-mode.ts'

let dir: string
let file: string
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vmb-resolve-'))
  file = path.join(dir, 'memory-budgets.json')
  writeFileSync(file, JSON.stringify({ defaults: { cycles: 5, warmup: 5, leak: '1 kB' }, budgets: { telemetry: { retained: '600 kB' } } }))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function thrown(run: () => unknown): BudgetError {
  try {
    run()
  } catch (error) {
    return error as BudgetError
  }
  throw new Error('expected an error, none was thrown')
}

describe('resolveBudgetForRun', () => {
  test('a known budget resolves as resolveBudget does, recording or not', () => {
    for (const recording of [false, true]) {
      expect(resolveBudgetForRun(file, 'telemetry', undefined, recording)).toEqual({
        budget: { name: 'telemetry', file, cycles: 5, warmup: 5, retained: 600_000, leak: 1000 },
        recording,
        missing: false,
      })
    }
  })

  test('a missing budget fails with the known names and how to record it', () => {
    const error = thrown(() => resolveBudgetForRun(file, 'telemetri', undefined, false))
    expect(error).toBeInstanceOf(BudgetError)
    expect(error.code).toBe('unknownBudget')
    expect(error.message).toBe(`Unknown memory budget "telemetri"; did you mean "telemetry"?\nBudgets in ${file}: telemetry\n${RECORD_HINT}`)
    expect(RECORD_HINT).toBe('Run vitest -u to record it from this run.')
  })

  test('while recording, a missing budget is measured as a new entry would be: defaults, built-ins, overrides', () => {
    expect(resolveBudgetForRun(file, 'search', { cycles: 8 }, true)).toEqual({
      budget: { name: 'search', file, cycles: 8, warmup: 5, leak: 1000 },
      recording: true,
      missing: true,
    })
  })

  test('a missing file fails with how to record it, and while recording is measured with built-ins', () => {
    const missing = path.join(dir, 'none.json')
    const error = thrown(() => resolveBudgetForRun(missing, 'search', undefined, false))
    expect(error.code).toBe('fileMissing')
    expect(error.message).toContain(`Memory budget file not found: ${missing}`)
    expect(error.message).toMatch(/\nOr run vitest -u to record every budget this run checks into a new file\.$/)
    expect(resolveBudgetForRun(missing, 'search', undefined, true)).toEqual({
      budget: { name: 'search', file: missing, cycles: 20, warmup: 20, leak: 0 },
      recording: true,
      missing: true,
    })
  })

  test('a malformed file is never taken for a missing one', () => {
    const bad = path.join(dir, 'bad.json')
    writeFileSync(bad, '{ "budgets": { } ')
    const error = thrown(() => resolveBudgetForRun(bad, 'search', undefined, true))
    expect(error.code).toBe('notJson')
  })
})

describe('recordingDecision', () => {
  test.each([
    ['all', {}, { record: true }],
    ['new', {}, { record: false, reason: 'not-updating' }],
    ['none', {}, { record: false, reason: 'not-updating' }],
    ['all', { CI: 'true' }, { record: false, reason: 'ci' }],
    ['all', { CI: '1' }, { record: false, reason: 'ci' }],
    ['all', { CI: 'false' }, { record: true }],
    ['all', { CI: '' }, { record: true }],
  ] as const)('update %s, env %j', (update, env, decision) => {
    expect(recordingDecision(update, env)).toEqual(decision)
  })
})
