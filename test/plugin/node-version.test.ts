import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test, vi } from 'vitest'
import { SUPPORTED_NODE, unsupportedNodeMessage, warnOnUnsupportedNode } from '../../src/plugin/node-version.ts'

const repoRoot = path.resolve(import.meta.dirname, '../..')

describe('the Node version warning', () => {
  test('the supported range is the engines field of package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } }
    expect(pkg.engines.node).toBe(SUPPORTED_NODE)
  })

  test.each(['22.12.0', '22.20.1', '23.0.0', '24.21.0', '26.0.0-pre'])('Node %s is supported: no warning', (version) => {
    expect(unsupportedNodeMessage(version)).toBeUndefined()
  })

  test.each(['22.11.0', '20.20.2', '18.0.0'])('Node %s is not supported: the warning names it and the range', (version) => {
    expect(unsupportedNodeMessage(version)).toBe(
      `vitest-memory-budget: Node ${version} is not supported (supported: Node >=22.12); memory figures and verdicts may be wrong on it.`,
    )
  })

  test('warns once however often it is asked, and not for a supported Node', () => {
    const warn = vi.fn()
    warnOnUnsupportedNode('24.21.0', warn)
    warnOnUnsupportedNode('20.20.2', warn)
    warnOnUnsupportedNode('20.20.2', warn)
    expect(warn.mock.calls).toEqual([[unsupportedNodeMessage('20.20.2')]])
  })

  // The built package as a config file uses it, in a process of its own whose Node reports 20:
  // creating the plugin twice (two projects) prints the warning once, on stderr.
  test('memoryBudget() warns on stderr, once per process', async () => {
    const script = `
      Object.defineProperty(process.versions, 'node', { value: '20.19.5' })
      const { memoryBudget } = await import('vitest-memory-budget')
      memoryBudget()
      memoryBudget({ summary: false })
    `
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot })
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'vitest-memory-budget: Node 20.19.5 is not supported (supported: Node >=22.12); memory figures and verdicts may be wrong on it.\n',
    )
  })
})
