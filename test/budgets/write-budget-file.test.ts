import { spawn } from 'node:child_process'
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { BudgetError } from '../../src/budgets/budget-errors.ts'
import type { EntryUpdate } from '../../src/budgets/record-budget.ts'
import { validateBudgetFile } from '../../src/budgets/validate-budget.ts'
import { inlineJson, mergeBudgetText, updateBudgetFile, writeFileAtomic } from '../../src/budgets/write-budget-file.ts'

const FILE = `{
  "$schema": "../../../budget.schema.json",
  "defaults": { "cycles": 5, "warmup": 5 },
  "budgets": {
    "zeta": { "retained": "1 MB" },
    "telemetry": { "retained": "600 kB", "leak": "1 kB" },
    "cache": {
      "retained": "300 kB",
      "objects": { "CacheEntry": 10 }
    },
    "alpha":   {"retained":"16 kB"}
  }
}
`

const changed = (name: string, changes: EntryUpdate['changes']): EntryUpdate => ({ name, status: 'changed', changes })
const added = (name: string, changes: EntryUpdate['changes']): EntryUpdate => ({ name, status: 'added', changes })

describe('mergeBudgetText', () => {
  test('changes one value and nothing else', () => {
    const text = mergeBudgetText(FILE, [changed('telemetry', [{ path: ['retained'], before: '600 kB', after: '52 kB' }])])
    expect(text).toBe(FILE.replace('"telemetry": { "retained": "600 kB"', '"telemetry": { "retained": "52 kB"'))
  })

  test('adds a key to a one-line entry on its line', () => {
    const text = mergeBudgetText(FILE, [changed('zeta', [{ path: ['leak'], after: '2.6 kB' }])])
    expect(text).toBe(FILE.replace('"zeta": { "retained": "1 MB" }', '"zeta": { "retained": "1 MB", "leak": "2.6 kB" }'))
  })

  test('adds a key to a multi-line entry on a line of its own, and edits nested object limits', () => {
    const text = mergeBudgetText(FILE, [changed('cache', [
      { path: ['leak'], after: '2.6 kB' },
      { path: ['objects', 'CacheEntry'], before: 10, after: 25 },
      { path: ['objects', 'Other'], after: 3 },
    ])])
    expect(text).toBe(FILE.replace(
      '      "objects": { "CacheEntry": 10 }\n',
      '      "objects": { "CacheEntry": 25, "Other": 3 },\n      "leak": "2.6 kB"\n',
    ))
  })

  test('adds new budgets after the last one, in the style of their siblings, and leaves every other byte', () => {
    const text = mergeBudgetText(FILE, [
      added('new-one', [{ path: ['retained'], after: '4 kB' }]),
      added('two', [{ path: ['retained'], after: '9 kB' }, { path: ['leak'], after: '110 B' }]),
    ])
    expect(text).toBe(FILE.replace(
      '    "alpha":   {"retained":"16 kB"}\n',
      '    "alpha":   {"retained":"16 kB"},\n    "new-one": { "retained": "4 kB" },\n    "two": { "retained": "9 kB", "leak": "110 B" }\n',
    ))
  })

  test("writes relative limits as a person would, and leaves the other budgets' relative limits byte for byte", () => {
    const file = `{
  "budgets": {
    "a": { "allocated": "2%", "peak": { "most": "2 MB", "share": "10%" } },
    "b": { "allocated": { "most": "600 kB", "share": "2%" }, "direct": "1%" },
    "c": { "retained": "4 kB" }
  }
}
`
    const text = mergeBudgetText(file, [
      changed('a', [{ path: ['allocated'], before: '2%', after: '6.3%' }]),
      changed('b', [{ path: ['allocated'], before: { most: '600 kB', share: '2%' }, after: { most: '600 kB', share: '6.3%' } }]),
      changed('c', [{ path: ['peak'], after: { most: '1 MB', share: '5%' } }]),
    ])
    expect(text).toBe(`{
  "budgets": {
    "a": { "allocated": "6.3%", "peak": { "most": "2 MB", "share": "10%" } },
    "b": { "allocated": { "most": "600 kB", "share": "6.3%" }, "direct": "1%" },
    "c": { "retained": "4 kB", "peak": { "most": "1 MB", "share": "5%" } }
  }
}
`)
    // What it wrote reads back as the limits it meant.
    const parsed = JSON.parse(text)
    expect(validateBudgetFile(parsed, '/p/b.json').budgets).toEqual({
      a: { allocated: { share: 6.3 }, peak: { share: 10, most: 2_000_000 } },
      b: { allocated: { share: 6.3, most: 600_000 }, direct: { share: 1 } },
      c: { retained: 4000, peak: { share: 5, most: 1_000_000 } },
    })
  })

  test('a new budget with nothing recorded is written empty, so that it exists', () => {
    const text = mergeBudgetText(FILE, [{ name: 'bare', status: 'added', changes: [] }])
    expect(text).toBe(FILE.replace('    "alpha":   {"retained":"16 kB"}\n', '    "alpha":   {"retained":"16 kB"},\n    "bare": {}\n'))
  })

  test('writes entries over several lines when their siblings are', () => {
    const file = '{\n\t"budgets": {\n\t\t"a": {\n\t\t\t"retained": "1 kB"\n\t\t}\n\t}\n}\n'
    const text = mergeBudgetText(file, [added('b', [{ path: ['retained'], after: '4 kB' }, { path: ['objects', 'Event'], after: 2 }])])
    expect(text).toBe('{\n\t"budgets": {\n\t\t"a": {\n\t\t\t"retained": "1 kB"\n\t\t},\n\t\t"b": {\n\t\t\t"retained": "4 kB",\n\t\t\t"objects": { "Event": 2 }\n\t\t}\n\t}\n}\n')
  })

  test('fills an empty budgets object, one budget a line', () => {
    const file = '{\n  "$schema": "./node_modules/vitest-memory-budget/budget.schema.json",\n  "budgets": {}\n}\n'
    const text = mergeBudgetText(file, [added('a', [{ path: ['retained'], after: '4 kB' }]), added('b', [{ path: ['retained'], after: '5 kB' }])])
    expect(text).toBe('{\n  "$schema": "./node_modules/vitest-memory-budget/budget.schema.json",\n  "budgets": {\n    "a": { "retained": "4 kB" },\n    "b": { "retained": "5 kB" }\n  }\n}\n')
  })

  test('fills an empty entry on its line', () => {
    const text = mergeBudgetText('{ "budgets": { "a": {} } }\n', [changed('a', [{ path: ['retained'], after: '4 kB' }])])
    expect(text).toBe('{ "budgets": { "a": { "retained": "4 kB" } } }\n')
  })

  test('keeps CRLF line endings and a byte-order mark', () => {
    const file = '\uFEFF' + FILE.replaceAll('\n', '\r\n')
    const text = mergeBudgetText(file, [added('new-one', [{ path: ['retained'], after: '4 kB' }])])
    expect(text).toBe(file.replace('"alpha":   {"retained":"16 kB"}\r\n', '"alpha":   {"retained":"16 kB"},\r\n    "new-one": { "retained": "4 kB" }\r\n'))
  })

  test('no changes, no difference; a missing final newline is added only when writing', () => {
    expect(mergeBudgetText(FILE, [{ name: 'zeta', status: 'unchanged', changes: [] }])).toBe(FILE)
    expect(mergeBudgetText('{"budgets":{"a":{}}}', [changed('a', [{ path: ['retained'], after: '4 kB' }])])).toBe('{"budgets":{"a":{ "retained": "4 kB" }}}\n')
  })

  test('the result is the JSON it should be, keys in their order', () => {
    const text = mergeBudgetText(FILE, [
      changed('telemetry', [{ path: ['retained'], before: '600 kB', after: '52 kB' }]),
      changed('cache', [{ path: ['objects', 'CacheEntry'], before: 10, after: 25 }]),
      added('new-one', [{ path: ['retained'], after: '4 kB' }]),
    ])
    const data = JSON.parse(text)
    expect(Object.keys(data)).toEqual(['$schema', 'defaults', 'budgets'])
    expect(Object.keys(data.budgets)).toEqual(['zeta', 'telemetry', 'cache', 'alpha', 'new-one'])
    expect(data.budgets.telemetry).toEqual({ retained: '52 kB', leak: '1 kB' })
    expect(data.budgets.cache).toEqual({ retained: '300 kB', objects: { CacheEntry: 25 } })
  })

  test('a new file, in the layout of the README', () => {
    const text = mergeBudgetText(undefined, [added('a', [{ path: ['retained'], after: '4 kB' }]), added('b', [{ path: ['retained'], after: '9 kB' }, { path: ['leak'], after: '64 B' }])], { schema: '../node_modules/vitest-memory-budget/budget.schema.json' })
    expect(text).toBe(`{
  "$schema": "../node_modules/vitest-memory-budget/budget.schema.json",
  "budgets": {
    "a": { "retained": "4 kB" },
    "b": { "retained": "9 kB", "leak": "64 B" }
  }
}
`)
  })

  test('text that is not JSON is refused', () => {
    expect(() => mergeBudgetText('{ "budgets": { "a": {}, } }', [changed('a', [{ path: ['retained'], after: '4 kB' }])])).toThrow(SyntaxError)
  })

  test('inlineJson', () => {
    expect(inlineJson({ retained: '4 kB', objects: { '*': 1, Event: 2 }, empty: {} })).toBe('{ "retained": "4 kB", "objects": { "*": 1, "Event": 2 }, "empty": {} }')
  })
})

describe('updateBudgetFile', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vmb-write-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const plan = () => [changed('telemetry', [{ path: ['retained'] as [string], before: '600 kB', after: '52 kB' }])]

  test('writes the merged text in place, keeps the mode, leaves no temporary file', () => {
    const file = path.join(dir, 'memory-budgets.json')
    writeFileSync(file, FILE)
    chmodSync(file, 0o640)
    const result = updateBudgetFile(file, (data) => {
      expect(data?.budgets.telemetry).toEqual({ retained: '600 kB', leak: '1 kB' }) // sizes as written
      return plan()
    })
    expect(result.outcome).toBe('written')
    expect(readFileSync(file, 'utf8')).toBe(FILE.replace('"retained": "600 kB"', '"retained": "52 kB"'))
    expect(statSync(file).mode & 0o777).toBe(0o640)
    expect(readdirSync(dir)).toEqual(['memory-budgets.json'])
  })

  test('nothing to change: the file is not written', () => {
    const file = path.join(dir, 'memory-budgets.json')
    writeFileSync(file, FILE)
    const before = statSync(file, { bigint: true })
    const result = updateBudgetFile(file, () => [{ name: 'telemetry', status: 'unchanged', changes: [] }])
    expect(result.outcome).toBe('unchanged')
    const after = statSync(file, { bigint: true })
    expect([after.ino, after.mtimeNs]).toEqual([before.ino, before.mtimeNs])
  })

  test('creates a missing file', () => {
    const file = path.join(dir, 'memory-budgets.json')
    const result = updateBudgetFile(file, (data) => {
      expect(data).toBeUndefined()
      return [added('a', [{ path: ['retained'], after: '4 kB' }])]
    })
    expect(result.outcome).toBe('created')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ $schema: './node_modules/vitest-memory-budget/budget.schema.json', budgets: { a: { retained: '4 kB' } } })
  })

  test.each([
    ['not JSON', '{\n  "budgets": {\n    "a": { "retained": "1 kB" },\n  }\n}\n', 'notJson', 'JSON does not allow a comma after the last item.'],
    ['an unknown key', '{ "budgets": { "a": { "retaned": "1 kB" } } }\n', 'unknownKey', 'did you mean "retained"?'],
    ['empty', '   \n', 'fileEmpty', 'Memory budget file is empty'],
  ])('a malformed file (%s) is reported and left byte for byte', (_, text, code, words) => {
    const file = path.join(dir, 'memory-budgets.json')
    writeFileSync(file, text)
    let planned = false
    let error: unknown
    try {
      updateBudgetFile(file, () => {
        planned = true
        return plan()
      })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(BudgetError)
    expect((error as BudgetError).code).toBe(code)
    expect((error as BudgetError).message).toContain(words)
    expect(planned).toBe(false)
    expect(readFileSync(file, 'utf8')).toBe(text)
    expect(readdirSync(dir)).toEqual(['memory-budgets.json'])
  })
})

describe('updateBudgetFile: read-only files and locks', () => {
  let dir: string
  let file: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vmb-guard-'))
    file = path.join(dir, 'memory-budgets.json')
    writeFileSync(file, FILE)
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  const plan = () => [changed('telemetry', [{ path: ['retained'] as [string], before: '600 kB', after: '52 kB' }])]
  const codeOf = (run: () => unknown) => {
    try {
      run()
    } catch (error) {
      return error instanceof BudgetError ? { code: error.code, message: error.message } : error
    }
    return undefined
  }

  test('a read-only file is refused, even for root, and left as it was; with nothing to change it is fine', () => {
    chmodSync(file, 0o444)
    expect(codeOf(() => updateBudgetFile(file, plan))).toEqual({
      code: 'fileReadOnly',
      message: `Memory budget file is read-only: ${file} (mode r--r--r--: nobody may write it).\nvitest -u records budgets by rewriting it: make it writable (chmod u+w), or run without -u.`,
    })
    expect(readFileSync(file, 'utf8')).toBe(FILE)
    expect(updateBudgetFile(file, () => [{ name: 'telemetry', status: 'unchanged', changes: [] }]).outcome).toBe('unchanged')
    expect(readdirSync(dir)).toEqual(['memory-budgets.json'])
  })

  test('a lock held by a live process is waited for, then reported with its holder; the file is untouched', () => {
    const lock = path.join(dir, '.memory-budgets.json.lock')
    writeFileSync(lock, String(process.pid))
    const error = codeOf(() => updateBudgetFile(file, plan, { lockWaitMs: 100 })) as { code: string; message: string }
    expect(error.code).toBe('fileLocked')
    expect(error.message).toMatch(new RegExp(`^Memory budget file ${file} is being written by another process \\(pid ${process.pid}, for \\d+\\.\\d s\\); gave up waiting for it\\.\\nIf no other vitest -u is running, delete the lock file ${lock} and run again\\.$`))
    expect(readFileSync(file, 'utf8')).toBe(FILE)
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid)) // another's lock is never taken
  })

  test('a lock that cannot be read is waited out, never spun on', () => {
    mkdirSync(path.join(dir, '.memory-budgets.json.lock'))
    const error = codeOf(() => updateBudgetFile(file, plan, { lockWaitMs: 100 })) as { code: string; message: string }
    expect(error.code).toBe('fileLocked')
    expect(error.message).toContain('(a lock that cannot be read: EISDIR)')
    expect(readFileSync(file, 'utf8')).toBe(FILE)
  })

  test('a lock left by a process that died is removed, and the write goes ahead', () => {
    writeFileSync(path.join(dir, '.memory-budgets.json.lock'), '2147483646')
    expect(updateBudgetFile(file, plan).outcome).toBe('written')
    expect(readdirSync(dir)).toEqual(['memory-budgets.json'])
  })
})

describe('writeFileAtomic', () => {
  test('a failed rename leaves what was there and no temporary file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vmb-atomic-'))
    try {
      // A non-empty folder where the file should go: renaming a file over it fails everywhere.
      const target = path.join(dir, 'memory-budgets.json')
      mkdirSync(target)
      writeFileSync(path.join(target, 'inside'), 'old')
      expect(() => writeFileAtomic(target, 'new')).toThrow()
      expect(readdirSync(dir)).toEqual(['memory-budgets.json'])
      expect(readFileSync(path.join(target, 'inside'), 'utf8')).toBe('old')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('writers in several processes at once', () => {
  /**
   * Each process adds `count` budgets of its own, one updateBudgetFile call each, all starting at
   * the same instant: without a lock around the read, merge and rename, a writer renames over a file
   * another has just written, and that writer's budgets are lost.
   */
  function writer(file: string, who: string, count: number, startAt: number): Promise<number> {
    const module = new URL('../../src/budgets/write-budget-file.ts', import.meta.url).href
    const script = `
      const { updateBudgetFile } = await import(${JSON.stringify(module)})
      const [file, who, count, startAt] = process.argv.slice(1)
      while (Date.now() < Number(startAt)) {}
      for (let i = 0; i < Number(count); i++) {
        updateBudgetFile(file, () => [{ name: who + '-' + i, status: 'added', changes: [{ path: ['retained'], after: '1 kB' }] }])
      }`
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '--no-warnings', '-e', script, file, who, String(count), String(startAt)], { stdio: ['ignore', 'inherit', 'inherit'] })
      child.on('error', reject)
      child.on('exit', (code) => resolve(code ?? 1))
    })
  }

  test('lose no budget, and leave a valid file and no lock or temporary file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vmb-concurrent-'))
    try {
      const file = path.join(dir, 'memory-budgets.json')
      writeFileSync(file, '{\n  "budgets": {\n    "kept": { "retained": "1 MB" }\n  }\n}\n')
      const writers = ['a', 'b', 'c', 'd']
      const startAt = Date.now() + 1200 // after every process has loaded the module
      const codes = await Promise.all(writers.map((who) => writer(file, who, 20, startAt)))
      expect(codes).toEqual([0, 0, 0, 0])
      const budgets = JSON.parse(readFileSync(file, 'utf8')).budgets
      expect(Object.keys(budgets).sort()).toEqual(['kept', ...writers.flatMap((who) => Array.from({ length: 20 }, (_, i) => `${who}-${i}`))].sort())
      expect(readdirSync(dir)).toEqual(['memory-budgets.json'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a budget file that is a symbolic link', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vmb-links-'))
    mkdirSync(path.join(dir, 'project'))
    mkdirSync(path.join(dir, 'shared'))
    writeFileSync(path.join(dir, 'shared/budgets.json'), FILE)
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  const plan = () => [changed('telemetry', [{ path: ['retained'] as [string], before: '600 kB', after: '52 kB' }])]
  const UPDATED = FILE.replace('"retained": "600 kB"', '"retained": "52 kB"')

  /** The link is still the same link, the real file has the new text, and nothing else is left in either folder. */
  function expectWrittenThrough(link: string, linkText: string, real: string, others: Record<string, string[]> = {}) {
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe(linkText)
    expect(readFileSync(real, 'utf8')).toBe(UPDATED)
    expect(readdirSync(path.join(dir, 'project')).sort()).toEqual(others.project ?? ['memory-budgets.json'])
    expect(readdirSync(path.join(dir, 'shared')).sort()).toEqual(others.shared ?? ['budgets.json'])
  }

  test('an absolute link stays a link, and the file it leads to is updated', () => {
    const link = path.join(dir, 'project/memory-budgets.json')
    const real = path.join(dir, 'shared/budgets.json')
    symlinkSync(real, link)
    expect(updateBudgetFile(link, plan)).toMatchObject({ file: link, outcome: 'written' })
    expectWrittenThrough(link, real, real)
  })

  test('a chain of relative links, each read from its own folder', () => {
    const link = path.join(dir, 'project/memory-budgets.json')
    symlinkSync('../shared/current.json', link)
    symlinkSync('budgets.json', path.join(dir, 'shared/current.json'))
    expect(updateBudgetFile(link, plan).outcome).toBe('written')
    expectWrittenThrough(link, '../shared/current.json', path.join(dir, 'shared/budgets.json'), { shared: ['budgets.json', 'current.json'] })
    expect(readlinkSync(path.join(dir, 'shared/current.json'))).toBe('budgets.json')
  })

  test("a relative link's .. is taken from the real folder it sits in, as the kernel takes it", () => {
    // project/deep -> shared/nested: "../budgets.json" in it is shared/budgets.json, not project/budgets.json.
    mkdirSync(path.join(dir, 'shared/nested'))
    symlinkSync(path.join(dir, 'shared/nested'), path.join(dir, 'project/deep'))
    const link = path.join(dir, 'project/deep/memory-budgets.json')
    symlinkSync('../budgets.json', link)
    expect(updateBudgetFile(link, plan).outcome).toBe('written')
    expect(readFileSync(path.join(dir, 'shared/budgets.json'), 'utf8')).toBe(UPDATED)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readdirSync(path.join(dir, 'project')).sort()).toEqual(['deep'])
  })

  test('the mode of the real file is kept, not the umask-reduced one', async () => {
    const real = path.join(dir, 'shared/budgets.json')
    chmodSync(real, 0o664)
    const link = path.join(dir, 'project/memory-budgets.json')
    symlinkSync(real, link)
    // In a process of its own: its umask (027) would take the group's w and the others' r away.
    const module = new URL('../../src/budgets/write-budget-file.ts', import.meta.url).href
    const script = `process.umask(0o027); const { writeFileAtomic } = await import(${JSON.stringify(module)}); writeFileAtomic(process.argv[1], 'new')`
    expect(await exitCodeOf(['--input-type=module', '--no-warnings', '-e', script, link])).toBe(0)
    expect(readFileSync(real, 'utf8')).toBe('new')
    expect(statSync(real).mode & 0o777).toBe(0o664)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
  })

  test('a link to nothing yet: the file is created where it leads, and the link stays', () => {
    const link = path.join(dir, 'project/memory-budgets.json')
    symlinkSync('../shared/new.json', link)
    const result = updateBudgetFile(link, () => [added('telemetry', [{ path: ['retained'], after: '52 kB' }])])
    expect(result.outcome).toBe('created')
    expect(JSON.parse(readFileSync(path.join(dir, 'shared/new.json'), 'utf8')).budgets).toEqual({ telemetry: { retained: '52 kB' } })
    expect(readlinkSync(link)).toBe('../shared/new.json')
  })

  test('links in a loop: an error, and nothing is written', () => {
    const link = path.join(dir, 'project/memory-budgets.json')
    symlinkSync('other.json', link)
    symlinkSync('memory-budgets.json', path.join(dir, 'project/other.json'))
    expect(() => updateBudgetFile(link, plan)).toThrow(`ELOOP: too many symbolic links, ${link}`)
    expect(readdirSync(path.join(dir, 'project')).sort()).toEqual(['memory-budgets.json', 'other.json'])
    expect(readFileSync(path.join(dir, 'shared/budgets.json'), 'utf8')).toBe(FILE)
  })
})

describe('temporary files left by a writer that was killed', () => {
  test("are removed by the next update when their pid is dead; a live writer's and other files' are kept", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vmb-stray-'))
    try {
      const file = path.join(dir, 'memory-budgets.json')
      writeFileSync(file, FILE)
      const dead = await deadPid()
      const stray = `.memory-budgets.json.${dead}.0a1b2c3d.tmp`
      const live = `.memory-budgets.json.${process.pid}.0a1b2c3d.tmp`
      const anotherFile = `.other.json.${dead}.0a1b2c3d.tmp`
      for (const name of [stray, live, anotherFile]) writeFileSync(path.join(dir, name), '{ "half": ')
      // Also when there is nothing to write.
      expect(updateBudgetFile(file, () => [{ name: 'telemetry', status: 'unchanged', changes: [] }]).outcome).toBe('unchanged')
      expect(readdirSync(dir).sort()).toEqual([live, anotherFile, 'memory-budgets.json'].sort())
      expect(readFileSync(file, 'utf8')).toBe(FILE)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

/** The pid of a process that has certainly exited: a child spawned and waited for. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}

function exitCodeOf(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('error', reject)
    child.on('exit', (code) => resolve(code ?? 1))
  })
}
