import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { fileOfPageUrl, pageFiles } from '../../src/plugin/page-files.ts'
import { browserSetupFile } from '../../src/plugin/setup-files.ts'

// A browser page's script URLs, as Vite's dev server serves them, to the files allocation sites name.
describe('fileOfPageUrl', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'page-files-'))
  const outside = mkdtempSync(path.join(os.tmpdir(), 'page-files-outside-'))
  writeFileSync(path.join(outside, 'setup.js'), '')
  afterAll(() => {
    rmSync(root, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })

  test.each([
    ['a file under the root, by its path from there, query dropped', 'http://localhost:63315/src/list.ts?v=1a2b', path.join(root, 'src/list.ts')],
    ['a file anywhere, by /@fs/ and its absolute path', 'http://localhost:63315/@fs/home/me/lib/tooltip.js?import', '/home/me/lib/tooltip.js'],
    ['a name written with escapes', 'http://localhost:63315/src/my%20list.ts', path.join(root, 'src/my list.ts')],
    ['a script of no file: the URL as it is', 'debugger://VM12', 'debugger://VM12'],
    ['an evaluated script', '', ''],
  ])('%s', (_, url, file) => {
    expect(fileOfPageUrl(url, root)).toBe(file)
  })

  test('a file outside the root served by its absolute path alone (as Vitest imports setup files)', () => {
    expect(fileOfPageUrl(`http://localhost:63315${outside}/setup.js`, root)).toBe(path.join(outside, 'setup.js'))
  })

  test("the page's runner, in the browser setup file, is the tool's own", () => {
    expect(pageFiles(root).isTool(browserSetupFile)).toBe(true)
    expect(pageFiles(root).isTool(path.join(root, 'src/list.ts'))).toBe(false)
  })
})
