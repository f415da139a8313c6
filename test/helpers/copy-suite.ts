import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const repoRoot = path.resolve(import.meta.dirname, '../..')

export interface SuiteCopy {
  /** Absolute path of the copy: pass it to runSuite. */
  root: string
  remove(): void
}

/**
 * A copy of fixtures/suites/<name> in a temporary folder, for runs that write files (budget
 * recording, reports): the repository's fixtures are never modified. Outside the repository the
 * package cannot import itself by name, so the copy gets a node_modules of links: the package to
 * this repository (its `dist/`), and Vitest to the one running the tests, so both sides of the
 * run share one Vitest.
 */
export function copySuite(name: string): SuiteCopy {
  const root = mkdtempSync(path.join(os.tmpdir(), `vmb-${name}-`))
  cpSync(path.join(repoRoot, 'fixtures/suites', name), root, {
    recursive: true,
    filter: (source) => path.basename(source) !== 'node_modules' && path.basename(source) !== 'memory-report',
  })
  // ES modules, as in the repository (whose package.json says so for the fixtures).
  writeFileSync(path.join(root, 'package.json'), '{ "private": true, "type": "module" }\n')
  mkdirSync(path.join(root, 'node_modules'))
  symlinkSync(repoRoot, path.join(root, 'node_modules/vitest-memory-budget'), 'dir')
  // Browser mode's provider too: a suite that launches Chromium through Playwright.
  for (const dependency of ['vitest', 'vite', '@vitest', 'playwright', 'playwright-core']) {
    symlinkSync(path.join(repoRoot, 'node_modules', dependency), path.join(root, 'node_modules', dependency), 'dir')
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) }
}
