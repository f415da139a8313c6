import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import type { MemoryReport } from '../../src/reporting/report-model.ts'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// The examples `npm run example`, `example:leak`, `example:basic`, `example:browser` and `example:browser:leak` run: they must
// keep doing what their READMEs say, so that they cannot rot.
const repoRoot = path.resolve(import.meta.dirname, '../..')

describe('the telemetry example (npm run example)', () => {
  test('passes its budget and its functional tests, prints the table and writes the report', async () => {
    const run = await runSuite('examples/telemetry')
    expect(run.unhandled).toEqual([])
    expect(run.errors).toEqual({})
    expect(run.states['telemetry stays within its memory budget']).toBe('passed')
    // The functional tests: every event reaches the endpoint, the breaker opens and closes, ...
    expect(Object.values(run.states).filter((state) => state === 'passed').length).toBeGreaterThanOrEqual(13)
    expect(run.output).toMatch(/"telemetry" +telemetry stays within its memory budget +10\+10 +[\d.]+ k?B exact +-?[\d.]+ B\/cycle \/ -?[\d.]+ B\/cycle +\+[\d.]+ kB +\+[\d.]+ kB .* within/)
    const report = JSON.parse(readFileSync(path.join(repoRoot, 'examples/telemetry/memory-report/memory-report.json'), 'utf8')) as MemoryReport
    const check = report.checks[0]!
    // No telemetry event outlives its connection, and telemetry's own files are most of its allocation.
    expect(check.candidate!.objects!.groups.map((group) => group.name)).not.toContain('TelemetryEvent')
    expect(check.allocations!.split!.direct.bytesPerCycle).toBeGreaterThan(check.allocations!.bytesPerCycle.extra / 2)
    expect(check.allocations!.sites[0]!.file).toMatch(/^src\/telemetry\//)
  })

  test('its leaky twin (npm run example:leak) fails, naming TelemetryEvent and what holds it', async () => {
    const run = await runSuite('examples/telemetry', { config: 'examples/telemetry/leaky/vitest.config.ts' })
    const name = 'LEAKY TWIN (fails on purpose): telemetry that keeps every event it sent'
    expect(run.states[name]).toBe('failed')
    const message = run.errors[name]!
    expect(message).toMatch(/leak {6}candidate grows [\d.]+ k?B\/cycle > 140 B\/cycle/)
    expect(message).toMatch(/objects {3}TelemetryEvent: \d+ new > 0 {2}\(\+\d+; 7\.0 per cycle, [\d.]+ kB\)/)
    expect(message).toMatch(/held by .*DebugLog -> sent: Array -> \[\d+\]: TelemetryEvent/)
    expect(run.exitCode).not.toBe(0)
  })
})

test('the basic example (npm run example:basic) passes and prints its summary', async () => {
  const run = await runSuite('examples/basic')
  expect(run.errors).toEqual({})
  expect(run.states, whyOf(run)).toEqual({
    'the price cache stays within its memory budget': 'passed',
    'formatting prices without the cache leaks nothing': 'passed',
  })
  expect(run.output).toMatch(/"price-cache" +the price cache stays within its memory budget +20\+20 +[\d.]+ kB ±[\d.]+ k?B +.* within/)
})

describe('the browser example (npm run example:browser)', () => {
  test('its tooltips stay within their budget and the list leaks nothing, measured in Chromium', async () => {
    const run = await runSuite('examples/browser')
    expect(run.unhandled).toEqual([])
    expect(run.states, whyOf(run)).toEqual({
      'tooltips stay within their memory budget': 'passed',
      'mounting and unmounting the list leaks nothing': 'passed',
    })
    // Its allocation is sampled in the page too: the tooltips' few kB a cycle, under the budget's 16 kB.
    expect(run.output).toMatch(/"tooltips" +tooltips stay within their memory budget +20\+20 +.* \+\d+(\.\d+)? kB +- +- +within/)
  })

  test('its leaky twin (npm run example:browser:leak) fails, naming the cached tooltips and the window listener', async () => {
    const run = await runSuite('examples/browser/leaky', { config: 'examples/browser/leaky/vitest.config.ts' })
    expect(run.states, whyOf(run)).toEqual({
      'tooltips stay within their memory budget': 'failed',
      'mounting and unmounting the list leaks nothing': 'failed',
    })
    const leak = run.errors['mounting and unmounting the list leaks nothing']!
    expect(leak).toMatch(/^ {2}growing {3}JS event listeners \+\d+ \(\d+ per cycle; \d+ -> \d+\)$/m)
    expect(leak).toMatch(/^ {12}Detached <div class="tooltip"> x1000 {2}\(50 per cycle, [\d.]+ kB\)$/m)
    expect(leak).toMatch(/^ {12}held by \(closure\) mountList -> tooltipCache: Map -> /m)
    expect(leak).toMatch(/^ {12}held by Window \/ http:\/\/localhost:\d+ -> .*V8EventListener -> \[1\]: \(closure\)/m)
    expect(run.errors['tooltips stay within their memory budget']).toMatch(/^ {2}objects {3}candidate keeps Detached <div class="tooltip"> x\d+ /m)
    expect(run.exitCode).not.toBe(0)
  })
})
