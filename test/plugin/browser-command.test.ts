import type { BrowserCommandContext } from 'vitest/node'
import { describe, expect, test } from 'vitest'
import { runBrowserCheck } from '../../src/plugin/browser-command.ts'

/** A command's context as Vitest gives it, with the provider and (Playwright's) page of the test's session. */
function contextOf(provider: string, browser?: string): BrowserCommandContext {
  const page = browser && { context: () => ({ browser: () => ({ browserType: () => ({ name: () => browser }), version: () => '1' }), newCDPSession: () => Promise.reject(new Error('not here')) }) }
  return {
    provider: { name: provider },
    project: { getProvidedContext: () => ({ 'vitest-memory-budget': { budgetsPath: '/project/memory-budgets.json', root: '/project' } }) },
    ...(page && { page }),
  } as unknown as BrowserCommandContext
}

const request = { matcher: 'toLeakMemory', runner: 'runner', call: 'expect(block).not.toLeakMemory()' } as const

describe('runBrowserCheck: Chromium through Playwright only', () => {
  test('another browser through Playwright is refused in one line, before the page is touched, with its row', async () => {
    const result = await runBrowserCheck(contextOf('playwright', 'firefox'), request)
    const message = 'expect(block).not.toLeakMemory(): memory checks in browser mode need Chromium through the Playwright provider (they read the heap over the DevTools protocol); this project runs firefox through Playwright.'
    expect('error' in result && result.error.message).toBe(message)
    expect(result.record.cut).toEqual({ verdict: 'aborted', reason: `refused: ${message}`, where: '' })
  })

  test('another provider is refused in one line', async () => {
    const result = await runBrowserCheck(contextOf('webdriverio'), request)
    expect('error' in result && result.error.message).toBe(
      'expect(block).not.toLeakMemory(): memory checks in browser mode need Chromium through the Playwright provider (they read the heap over the DevTools protocol); this project runs the webdriverio provider.',
    )
  })

  test('a bad option is refused as in Node, before the page is touched', async () => {
    await expect(runBrowserCheck(contextOf('webdriverio'), { ...request, options: { cycles: 0 } })).rejects.toThrow(/cycles/)
  })
})
