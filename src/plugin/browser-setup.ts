// Vitest runs this file in browser-mode projects instead of worker-setup.ts. Checks measure the
// heap of a Node worker, and nothing of the engine can load in a page (Node's modules, ajv's
// CommonJS): the matchers are registered so that a check says why it cannot run, and every other
// test of the project runs unchanged. Only `vitest` is imported here.
import { expect } from 'vitest'

function notInBrowser(matcher: string) {
  return function refuse(): never {
    throw new Error(
      `vitest-memory-budget: ${matcher}() does not run in browser mode yet: it measures a Node worker's heap. ` +
        'Run memory checks in a project without browser.enabled (test.projects).',
    )
  }
}

expect.extend({ toStayWithinMemoryBudget: notInBrowser('toStayWithinMemoryBudget'), toLeakMemory: notInBrowser('toLeakMemory') })
