import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { version } from 'vitest/node'
import { runSuite } from '../../test/helpers/run-vitest.ts'

// scripts/compat.sh names the combination in COMPAT_VITEST and COMPAT_NODE (major versions). A
// combination that quietly ran another Vitest or another Node would prove nothing: check both, in
// the process that starts Vitest and in a test worker of a suite using the plugin.
const expected = { vitest: process.env.COMPAT_VITEST, node: process.env.COMPAT_NODE }

describe('compat probe', () => {
  test('the main process runs the Vitest and the Node of the combination', () => {
    expect(expected.vitest, 'run through scripts/compat.sh').toBeDefined()
    expect({ vitest: major(version), node: major(process.versions.node) }).toEqual(expected)
  })

  test('a suite using the plugin runs them too, in its workers', async () => {
    const run = await runSuite(path.join(import.meta.dirname, 'suite'))
    expect(run.unhandled).toEqual([])
    expect(run.errors).toEqual({})
    expect(run.states).toEqual({ 'the worker runs the Vitest and the Node of the combination': 'passed' })
    expect(run.output).toContain(`compat probe: vitest ${expected.vitest}, node ${expected.node}`)
  })
})

function major(version: string): string {
  return version.split('.')[0]!
}
