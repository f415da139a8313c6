import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { copySuite } from '../helpers/copy-suite.ts'
import { runSuite, whyOf } from '../helpers/run-vitest.ts'

// Memory checks in browser mode (Debian's Chromium through the Playwright provider), measured on the
// page's own heap and DOM counters from the main process: the fixture's DOM leaks fail, named by
// element and listener, and its clean blocks pass.
describe('memory checks in browser mode', () => {
  test('catch a detached node and a window listener kept every cycle, name them, and pass clean blocks', async () => {
    const run = await runSuite('browser-memory')
    expect(run.states, whyOf(run)).toEqual({
      'a clean show and hide passes': 'passed',
      'a clean block passes under fake timers': 'passed',
      'a hidden tooltip kept every cycle fails': 'failed',
      'a window listener added every cycle fails': 'failed',
      'a block that throws fails with its error': 'failed',
      'a block that throws a string fails naming its cycle': 'failed',
      'a feature within its budget passes': 'passed',
      'a feature that keeps its tooltips fails its budget, naming them': 'failed',
      'a feature allocating within its budget passes': 'passed',
      'a feature allocating over its budget fails, naming where': 'failed',
      'a budget limiting peak says browser mode does not measure it': 'failed',
      'the first of two concurrent checks measures': 'passed',
      'the second is refused while the first measures': 'failed',
      'a Map gaining a number a cycle fails': 'failed',
      'an array gaining a number a cycle fails': 'failed',
      'a Map filled and cleared every cycle passes': 'passed',
      'a check that is not awaited fails the test': 'failed',
      'a check that outlives the test timeout says so': 'failed',
      'the next check measures as usual': 'passed',
    })
    expect(run.unhandled).toEqual([])

    // The tooltip keeps its element (and the element its text): 2 nodes and a listener a cycle.
    const tooltip = run.errors['a hidden tooltip kept every cycle fails']!.split('\n')
    expect(tooltip[0]).toBe('block leaks memory (20 cycles after 20 warm-up)')
    expect(tooltip[1]).toMatch(/^ {2}growing {3}DOM nodes \+40 \(2\.0 per cycle; \d+ -> \d+\)$/)
    expect(tooltip[2]).toMatch(/^ {2}growing {3}JS event listeners \+20 \(1 per cycle; \d+ -> \d+\)$/)
    // The array that keeps them gains one a cycle too: the census counts it, as in Node.
    expect(tooltip[3]).toMatch(/^ {2}growing {3}Array \(\+20 entries, 1 per cycle; \d+ -> \d+\)$/)
    expect(tooltip[4]).toBe('  left behind by block (heap snapshots of a second run):')
    expect(tooltip[5]).toMatch(/^ {12}Detached <div class="tooltip"> x20 {2}\(1 per cycle, [\d.]+ kB\)$/)
    expect(tooltip[6]).toMatch(/^ {12}held by \(closure\) -> hidden: Array -> \[\d+\]: <div class="tooltip">/)

    const listener = run.errors['a window listener added every cycle fails']!.split('\n')
    expect(listener[0]).toBe('block leaks memory (20 cycles after 20 warm-up)')
    expect(listener[1]).toMatch(/^ {2}growing {3}JS event listeners \+20 \(1 per cycle; \d+ -> \d+\)$/)
    expect(listener).not.toContainEqual(expect.stringMatching(/DOM nodes/))
    expect(listener[3]).toMatch(/^ {12}\(closure\) x20 {2}\(1 per cycle, \d+ B\)$/)
    expect(listener[4]).toMatch(/^ {12}held by Window \/ http:\/\/localhost:\d+ -> .* -> \[\d+\]: \(closure\) {2}\(one retains \d+ B\)$/)

    // What the block throws in the page is the user's own error, or named with its cycle as in Node.
    expect(run.errors['a block that throws fails with its error']).toBe('tooltip exploded')
    expect(run.errors['a block that throws a string fails naming its cycle']).toBe(
      'expect(block).not.toLeakMemory(): the block threw the string "tooltip string" in warm-up cycle 4 ({ enabled: false, cycle: 3 }), ' +
        'not an Error: only an Error has a stack that says where it came from. The value is this error\'s cause.',
    )
    // A budget: the candidate's kept tooltips are its retained memory, its DOM nodes, and its objects.
    const budget = run.errors['a feature that keeps its tooltips fails its budget, naming them']!.split('\n')
    expect(budget[0]).toBe('memory budget "tooltips" exceeded (20 cycles without, 20 with)')
    expect(budget[1]).toMatch(/^ {2}retained {2}[\d.]+ kB > 8 kB {2}\(\+[\d.]+ kB, exact, from heap snapshots\)$/)
    expect(budget[2]).toMatch(/^ {2}growing {3}candidate's DOM nodes \+40 \(2\.0 per cycle; \d+ -> \d+\)$/)
    expect(budget[3]).toMatch(/^ {2}growing {3}candidate's JS event listeners \+20 \(1 per cycle; \d+ -> \d+\)$/)
    expect(budget[4]).toMatch(/^ {2}objects {3}candidate keeps Detached <div class="tooltip"> x40 {2}\(1 per cycle, [\d.]+ kB\)$/)
    expect(budget[5]).toMatch(/^ {12}held by \(closure\) -> kept: Array -> \[\d+\]: <div class="tooltip">/)
    expect(budget.at(-1)).toMatch(/^budget file: .*fixtures\/suites\/browser-memory\/memory-budgets\.json$/)
    // Allocation is sampled in the page: the log's 1,000 entries a cycle (about 38 kB with Chromium's
    // compressed pointers), named by its function and file; peak is not seen there, and says so.
    const allocation = run.errors['a feature allocating over its budget fails, naming where']!.split('\n')
    expect(allocation[0]).toBe('memory budget "tooltip-log-tight" exceeded (20 cycles without, 20 with)')
    expect(allocation[1]).toMatch(/^ {2}allocated \+[34]\d(\.\d+)? kB\/cycle > 10 kB\/cycle {2}\(\+[\d.]+ kB, ±[\d.]+ kB\)$/)
    expect(allocation[2]).toMatch(/^ {12}logTooltip \(tooltip-log\.ts:3\) {2}[34]\d(\.\d+)? kB\/cycle {2}(9\d|100)%$/)
    expect(allocation).toContainEqual(expect.stringMatching(/^ {2}direct {4}\+[34]\d(\.\d+)? kB\/cycle in sites\.direct > 5 kB\/cycle/))
    // The page's runner is the tool's, not the user's: it is never a site.
    expect(allocation).not.toContainEqual(expect.stringMatching(/browser-setup/))
    expect(run.errors['a budget limiting peak says browser mode does not measure it']).toBe(
      'memory budget "tooltip-peak" limits peak, which browser mode does not measure: a page\'s heap gives no GC-by-GC heights to find a peak in. ' +
        'Check peak in a Node project, or leave it out of this budget.',
    )
    expect(run.output).toMatch(/"tooltip-log" +a feature allocating within its budget passes +20\+20 .* \+[34]\d(\.\d+)? kB +- +- +within/)
    expect(run.output).toMatch(/"tooltip-peak" +a budget limiting peak says .* aborted\n +refused: memory budget "tooltip-peak" limits peak, which browser mode does not measure/)
    expect(run.errors['the second is refused while the first measures']).toBe(
      'expect(block).not.toLeakMemory() started while expect(block).not.toLeakMemory() was still measuring in the same page. ' +
        'Memory checks read the whole heap and cannot overlap: run them in tests that are not concurrent.',
    )
    // Collections of the test's frame growing by numbers keep no object a cycle: the census counts them, as in Node.
    for (const [name, kind, variable] of [['a Map gaining a number a cycle fails', 'Map', 'seen'], ['an array gaining a number a cycle fails', 'Array', 'counts']] as const) {
      const message = run.errors[name]!
      expect(message).toMatch(new RegExp(`^ {2}growing {3}${kind} \\(\\+20 entries, 1 per cycle; \\d+ -> \\d+\\)\\n {12}held by \\(closure\\) -> ${variable}: ${kind}$`, 'm'))
    }
    // Checks their tests left behind fail those tests saying why, as in Node, and stop: the next measures.
    expect(run.errors['a check that is not awaited fails the test']).toBe(
      'expect(block).not.toLeakMemory() was not awaited, so its verdict could not fail this test. Memory checks are asynchronous: write\n\n  await expect(block).not.toLeakMemory()\n',
    )
    const timedOut = run.errors['a check that outlives the test timeout says so']!
    expect(timedOut).toContain('Test timed out in 300ms.')
    expect(timedOut).toMatch(/expect\(block\)\.not\.toLeakMemory\(\) was still measuring when the test timed out: in (warm-up|measured) cycle \d+ /)
    expect(timedOut).not.toContain('was not awaited')
    expect(run.output).toMatch(/toLeakMemory +a check that is not awaited fails the test +20 .* aborted\n +not awaited: its test ended first, in /)
    expect(run.output).toMatch(/toLeakMemory +a check that outlives the test timeout says so +20 .* timed out\n +the test timed out, in [^\n]*cycle/)
    // The table has a row per check, with the top group of objects each leak kept.
    expect(run.output).toMatch(/toLeakMemory +a hidden tooltip kept every cycle fails +20 .*Detached <div class="tooltip"> x20 {2}over/)
    expect(run.output).toMatch(/toLeakMemory +a clean show and hide passes +20 .* within/)
    expect(run.output).toMatch(/"tooltips" +a feature within its budget passes +20\+20 .* within/)
    // A check that an error stopped has its row too, and says where it was.
    expect(run.output).toMatch(/toLeakMemory +a block that throws fails with its error +20 .* aborted\n +error: tooltip exploded, in warm-up cycle 4 \(\{ enabled: false, cycle: 3 \}\)/)

    // The report says which browser measured, and that the checks ran in a page.
    const reportDir = path.join(import.meta.dirname, '../../fixtures/suites/browser-memory/memory-report')
    const report = JSON.parse(readFileSync(path.join(reportDir, 'memory-report.json'), 'utf8'))
    expect(report.environment.browsers).toEqual([expect.stringMatching(/^Chromium \d+\.\d+/)])
    expect(report.environment.pools).toEqual(['browser'])
    expect(readFileSync(path.join(reportDir, 'memory-report.md'), 'utf8')).toMatch(/^\| Browser \| Chromium \d+\./m)
  })

  test("a page's heap over the snapshot limit: objects not read, or a budget limiting them refused, each saying so", async () => {
    const run = await runSuite('browser-memory', { config: 'fixtures/suites/browser-memory/vitest.small-snapshots.config.ts' })
    expect(run.states, whyOf(run)).toEqual({
      'a budget over its limit says its objects were not read': 'failed',
      'a budget limiting objects is refused': 'failed',
    })
    const refusal = (words: string) =>
      `the page's heap holds [\\d.]+ MB, over the 100 kB that heap snapshots are taken of \\(each would take some \\d+ s to write and as long to read\\); ` +
      `measure in a test file of its own, so that the page holds less, or raise memoryBudget\\(\\{ snapshotHeapLimit \\}\\) and the test's timeout${words}`
    expect(run.errors['a budget limiting objects is refused']).toMatch(new RegExp(`^memory budget "tooltips" limits objects, which needs heap snapshots, but ${refusal('\\.')}$`))
    expect(run.output).toMatch(new RegExp(`"tooltips" +a budget over its limit says .* over\\n +objects not read: ${refusal('')}\\n`))
    expect(run.output).toMatch(new RegExp(`"tooltips" +a budget limiting objects is refused .* aborted\\n +refused: memory budget "tooltips" limits objects`))
  })

  test('-u records no limit for a DOM count that grows every cycle: the check fails, the budget file is unchanged', async () => {
    const copy = copySuite('browser-record')
    try {
      const budgets = readFileSync(path.join(copy.root, 'memory-budgets.json'), 'utf8')
      // Recording is off in CI (CI=true), as a user's -u there would be: this run is a developer's.
      const run = await runSuite(copy.root, { update: true, mainEnv: { CI: undefined } })
      const name = 'a feature that keeps a detached node every cycle is not recorded'
      expect(run.states, whyOf(run)).toEqual({ [name]: 'failed' })
      const message = run.errors[name]!.split('\n')
      expect(message).toContainEqual(expect.stringMatching(/^ {2}growing {3}candidate's DOM nodes \+20 \(1 per cycle; \d+ -> \d+\)$/))
      expect(message.at(-1)).toBe('-u records no limit for DOM nodes growing every cycle: that is a leak to fix.')
      expect(readFileSync(path.join(copy.root, 'memory-budgets.json'), 'utf8')).toBe(budgets)
    } finally {
      copy.remove()
    }
  })
})
