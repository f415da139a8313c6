import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { packListProblems, sourceMapCommentProblems } from '../../scripts/pack-contents.ts'

const repoRoot = path.resolve(import.meta.dirname, '../..')
const sources = readdirSync(path.join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))

describe('the package npm pack makes', () => {
  // On the build `npm test` made first; scripts/smoke.ts checks the tarball a clean clone packs.
  test('ships dist/ built from every module of src/, the schema and the README, and nothing else', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot })
    const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>
    const files = pack!.files.map((file) => file.path)
    expect(packListProblems(files, sources)).toEqual([])
    const texts = files.map((file) => ({ path: file, text: readFileSync(path.join(repoRoot, file), 'utf8') }))
    expect(sourceMapCommentProblems(texts)).toEqual([])
    const { bin } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    expect(files).toContain(bin['vitest-memory-budget'])
  })

  test('the bin is the CLI, run by node wherever npm links it', () => {
    const { bin } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    expect(bin).toEqual({ 'vitest-memory-budget': 'dist/cli/bin.js' })
    expect(readFileSync(path.join(repoRoot, 'src/cli/bin.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
  })

  test('package.json builds before packing (npm pack and npm publish run prepack)', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.prepack).toBe('npm run build')
  })
})

describe('the tarball checks', () => {
  const good = ['package.json', 'README.md', 'budget.schema.json', 'dist/index.js', 'dist/index.d.ts', 'dist/plugin/a.js', 'dist/plugin/a.d.ts']
  const modules = ['index.ts', 'plugin/a.ts']

  test('a complete list has no problem', () => {
    expect(packListProblems(good, modules)).toEqual([])
  })

  test('a tarball packed without a build', () => {
    expect(packListProblems(['package.json', 'README.md', 'budget.schema.json'], modules)).toEqual([
      'dist/ is missing (was the package built before packing?)',
    ])
  })

  test('missing files, maps, development files and stale builds are named', () => {
    const files = [
      ...good.filter((file) => file !== 'README.md' && file !== 'dist/plugin/a.d.ts'),
      'dist/index.js.map',
      'dist/plugin/old.js',
      'test/plugin/a.test.ts',
      'fixtures/suites/core/vitest.config.ts',
      'dist/plugin/a.test.js',
      'notes.txt',
    ]
    expect(packListProblems(files, modules)).toEqual([
      'README.md is missing',
      'dist/plugin/a.d.ts is missing (built from src/)',
      'dist/index.js.map is a source map, and the sources it maps do not ship',
      'dist/plugin/old.js is not built from src/ nor one of package.json, README.md, budget.schema.json',
      'test/plugin/a.test.ts is a test, fixture or development file',
      'fixtures/suites/core/vitest.config.ts is a test, fixture or development file',
      'dist/plugin/a.test.js is a test, fixture or development file',
      'notes.txt is not built from src/ nor one of package.json, README.md, budget.schema.json',
    ])
  })

  test('a sourceMappingURL comment in a shipped module is named', () => {
    const texts = [
      { path: 'dist/index.js', text: 'export {}\n//# sourceMappingURL=index.js.map\n' },
      { path: 'dist/index.d.ts', text: 'export {}\n' },
      { path: 'README.md', text: '//# sourceMappingURL=x.map\n' },
    ]
    expect(sourceMapCommentProblems(texts)).toEqual(['dist/index.js has a sourceMappingURL comment'])
  })
})
