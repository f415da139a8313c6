import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { BudgetError } from '../../src/budgets/budget-errors.ts'
import { loadBudgetFile, readBudgetFileCached } from '../../src/budgets/load-budget-file.ts'

const dir = mkdtempSync(join(tmpdir(), 'memory-budget-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let count = 0
/** A new file per test, so that the cache of one test never serves another. */
function write(text: string): string {
  const file = join(dir, `budgets-${++count}.json`)
  writeFileSync(file, text)
  return file
}

/** The BudgetError `run` throws, with the temp folder written as <tmp> so that messages can be pinned. */
function budgetError(run: () => unknown): { code: string; jsonPath?: string; message: string } {
  try {
    run()
  } catch (error) {
    if (!(error instanceof BudgetError)) throw error
    return { code: error.code, jsonPath: error.jsonPath, message: error.message.replaceAll(dir, '<tmp>') }
  }
  throw new Error('expected a BudgetError, none was thrown')
}

const SCHEMA = '"$schema": "./node_modules/vitest-memory-budget/budget.schema.json"'
const TIP = `Add ${SCHEMA} to the file so that your editor checks it as you type.`

describe('loadBudgetFile', () => {
  test('reads the README example, sizes in bytes, path absolute, file untouched', () => {
    const text = `{ ${SCHEMA}, "defaults": { "cycles": 20, "warmup": 20 },
      "budgets": { "telemetry": { "retained": "600 kB", "leak": "1 kB" }, "parser": { "cycles": 40, "retained": 1024 } } }`
    const file = write(text)
    expect(loadBudgetFile(relative(process.cwd(), file))).toEqual({
      path: file,
      defaults: { cycles: 20, warmup: 20 },
      budgets: { telemetry: { retained: 600_000, leak: 1000 }, parser: { cycles: 40, retained: 1024 } },
    })
    expect(readFileSync(file, 'utf8')).toBe(text)
  })

  test('defaults to no defaults, and reads a file saved with a byte-order mark', () => {
    expect(loadBudgetFile(write('\uFEFF{ "budgets": {} }'))).toEqual({ path: expect.any(String), defaults: {}, budgets: {} })
  })

  test('keeps a budget named __proto__ as a budget', () => {
    const budgets = loadBudgetFile(write('{ "budgets": { "__proto__": { "leak": 5 } } }')).budgets
    expect(Object.getPrototypeOf(budgets)).toBe(Object.prototype)
    expect(Object.hasOwn(budgets, '__proto__')).toBe(true)
  })

  test('fileMissing shows an example and where the file is looked for', () => {
    expect(budgetError(() => loadBudgetFile(join(dir, 'memory-budgets.json')))).toEqual({
      code: 'fileMissing',
      jsonPath: undefined,
      message: `Memory budget file not found: <tmp>/memory-budgets.json
Create it with at least one budget, for example:

{
  ${SCHEMA},
  "budgets": {
    "telemetry": { "retained": "600 kB", "leak": "1 kB" }
  }
}

The default location is memory-budgets.json at the project root; choose another with memoryBudget({ budgets: 'path/to/budgets.json' }) in vitest.config.ts.`,
    })
  })

  test('fileMissing when a folder on the path is a file', () => {
    expect(budgetError(() => loadBudgetFile(join(write('{}'), 'memory-budgets.json'))).code).toBe('fileMissing')
  })

  test('fileUnreadable names the path Node leaves out', () => {
    mkdirSync(join(dir, 'folder.json'))
    expect(budgetError(() => loadBudgetFile(join(dir, 'folder.json')))).toEqual({
      code: 'fileUnreadable',
      jsonPath: undefined,
      message: 'Cannot read memory budget file <tmp>/folder.json: EISDIR: illegal operation on a directory, read',
    })
  })

  test.each(['', ' \n\t\n'])('fileEmpty for %j', (text) => {
    expect(budgetError(() => loadBudgetFile(write(text)))).toEqual({
      code: 'fileEmpty',
      jsonPath: undefined,
      message: expect.stringMatching(/^Memory budget file is empty: <tmp>\/budgets-\d+\.json\nGive it at least one budget, for example:\n\n\{\n/),
    })
  })

  test.each<[string, string, string]>([
    ['{\n  "budgets": {},\n}', ':3:1', 'Expected double-quoted property name\nJSON does not allow a comma after the last item.'],
    ['{\n  // budgets\n}', ':2:3', "Expected property name or '}'\nJSON does not allow comments."],
    ["{ 'budgets': {} }", ':1:3', "Expected property name or '}'\nJSON strings and names need double quotes."],
    ['{ "budgets": \n', ':1:13', 'Unexpected end of JSON input'],
    ['{ "budgets": {} } x', ':1:19', 'Unexpected non-whitespace character after JSON'],
    // V8 gives no position for this one, so none is shown.
    ['{ "budgets": [1,] }', '', `Unexpected token ']', "{ "budgets": [1,] }" is not valid JSON`],
  ])('notJson for %j', (text, at, detail) => {
    const file = write(text)
    expect(budgetError(() => loadBudgetFile(file))).toEqual({
      code: 'notJson',
      jsonPath: undefined,
      message: `Memory budget file is not valid JSON: ${file.replace(dir, '<tmp>')}${at}\n${detail}`,
    })
  })

  test('invalid lists every problem in file order, and suggests the $schema line', () => {
    const file = write(`{
  "defaults": { "cycles": 3, "leek": "1 kB" },
  "budgets": {
    "telemetry": { "retained": "12 parsecs", "warmup": "20" },
    "my budget": { "leak": -1, "retained": 1.5 },
    "": {},
    "parser": []
  }
}`)
    expect(budgetError(() => loadBudgetFile(file))).toEqual({
      code: 'invalid',
      jsonPath: 'defaults.cycles',
      message: `Invalid memory budget file ${file.replace(dir, '<tmp>')}:
  defaults.cycles: expected an integer from 5 to 1000, got 3
  defaults.leek: unknown key; did you mean "leak"?
  budgets.telemetry.retained: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "12 parsecs"
  budgets.telemetry.warmup: expected an integer from 0 to 1000, got "20"
  budgets["my budget"].leak: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got -1
  budgets["my budget"].retained: expected a whole number of bytes, or a string such as "1.5 kB", got 1.5
  budgets[""]: names must not be empty
  budgets.parser: expected an object such as {"retained":"600 kB","leak":"1 kB"}, got []
${TIP}`,
    })
  })

  test.each<[string, string]>([
    ['[]', 'top level: expected an object such as {"budgets":{"telemetry":{"retained":"600 kB","leak":"1 kB"}}}, got []'],
    ['{ "defaults": {} }', 'budgets: missing; expected an object such as {"telemetry":{"retained":"600 kB","leak":"1 kB"}}'],
    ['{ "budgets": {}, "$schema": 5 }', '$schema: expected a string, got 5'],
    ['{ "budgets": { "t": { "leak": true } } }', 'budgets.t.leak: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got true'],
    ['{ "budgets": { "t": { "cycles": 1001 } } }', 'budgets.t.cycles: expected an integer from 5 to 1000, got 1001'],
    ['{ "budgets": { "t": { "leak": "8 Mbit" } } }', 'budgets.t.leak: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got "8 Mbit": sizes are in bytes, not bits'],
  ])('invalid: %s', (text, line) => {
    const error = budgetError(() => loadBudgetFile(write(text)))
    expect(error.code).toBe('invalid')
    expect(error.message.split('\n')[1]).toBe(`  ${line}`)
  })

  test('unknownKey when the first problem is a key the schema does not know', () => {
    const file = write(`{ ${SCHEMA}, "budgets": { "t": { "retaind": "1 kB", "cycles": 2 } }, "budget": {} }`)
    expect(budgetError(() => loadBudgetFile(file))).toEqual({
      code: 'unknownKey',
      jsonPath: 'budgets.t.retaind',
      message: `Invalid memory budget file ${file.replace(dir, '<tmp>')}:
  budgets.t.retaind: unknown key; did you mean "retained"?
  budgets.t.cycles: expected an integer from 5 to 1000, got 2
  budget: unknown key; did you mean "budgets"?`,
    })
  })
})

describe('readBudgetFileCached', () => {
  const at = (seconds: number) => new Date(seconds * 1000)

  test('reads again only when mtime or size changes', () => {
    const file = write('{ "budgets": { "a": { "leak": 100 } } }')
    utimesSync(file, at(1_700_000_000), at(1_700_000_000))
    const first = readBudgetFileCached(file)
    expect(readBudgetFileCached(file)).toBe(first)
    expect(Object.isFrozen(first.budgets.a)).toBe(true)

    // Same size and mtime: the cached result stands, which shows the file was not read again.
    writeFileSync(file, '{ "budgets": { "a": { "leak": 200 } } }')
    utimesSync(file, at(1_700_000_000), at(1_700_000_000))
    expect(readBudgetFileCached(file).budgets.a).toEqual({ leak: 100 })

    utimesSync(file, at(1_700_000_001), at(1_700_000_001))
    expect(readBudgetFileCached(file).budgets.a).toEqual({ leak: 200 })

    writeFileSync(file, '{ "budgets": { "a": { "leak": 3000 } } }')
    utimesSync(file, at(1_700_000_001), at(1_700_000_001))
    expect(readBudgetFileCached(file).budgets.a).toEqual({ leak: 3000 })
  })

  test('reports a file that went missing, broke, or came back', () => {
    const file = write('{ "budgets": {} }')
    expect(readBudgetFileCached(file).budgets).toEqual({})
    unlinkSync(file)
    expect(budgetError(() => readBudgetFileCached(file)).code).toBe('fileMissing')
    writeFileSync(file, '{ "budgets": ')
    expect(budgetError(() => readBudgetFileCached(file)).code).toBe('notJson')
    writeFileSync(file, '{ "budgets": { "b": {} } }')
    expect(readBudgetFileCached(file).budgets).toEqual({ b: {} })
  })
})
