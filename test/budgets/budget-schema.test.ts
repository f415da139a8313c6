import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, test } from 'vitest'
import { DEFAULT_CYCLES, DEFAULT_LEAK, DEFAULT_WARMUP, MAX_CYCLES, MAX_WARMUP, MIN_CYCLES } from '../../src/budgets/defaults.ts'
import { parseSize } from '../../src/budgets/sizes.ts'

const schema = JSON.parse(readFileSync(new URL('../../budget.schema.json', import.meta.url), 'utf8'))

/** Strict, as a check on the schema itself: unknown keywords and loose types are errors. */
function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true })
  ajv.addVocabulary(['markdownDescription'])
  return ajv
}

describe('budget.schema.json', () => {
  test('is a valid draft 2020-12 schema that compiles in strict mode', () => {
    const ajv = strictAjv()
    expect(ajv.validateSchema(schema), ajv.errorsText()).toBe(true)
    expect(() => ajv.compile(schema)).not.toThrow()
  })

  test('accepts the README example and rejects a typo in it', () => {
    const validate = strictAjv().compile(schema)
    const example = {
      $schema: './node_modules/vitest-memory-budget/budget.schema.json',
      defaults: { cycles: 20, warmup: 20 },
      budgets: { telemetry: { retained: '600 kB', leak: '1 kB' } },
    }
    expect(validate(example)).toBe(true)
    expect(validate({ ...example, budgets: { telemetry: { retaind: '600 kB' } } })).toBe(false)
  })

  test('accepts its own examples', () => {
    const ajv = strictAjv()
    ajv.addSchema(schema, 'budget')
    expect(ajv.validate('budget', schema.examples[0])).toBe(true)
    expect(ajv.validate('budget#/properties/budgets', schema.properties.budgets.examples[0])).toBe(true)
    expect(ajv.validate('budget#/$defs/entry', schema.$defs.entry.examples[0])).toBe(true)
  })

  test('takes shares of the baseline for allocated, direct and peak only', () => {
    const ajv = strictAjv()
    ajv.addSchema(schema, 'budget')
    const entry = (value: unknown) => ajv.validate('budget#/$defs/entry', value)
    expect(entry(schema.$defs.entry.examples[1])).toBe(true)
    expect(entry({ allocated: '2%', direct: { share: '1%' }, peak: { most: '2 MB', share: '10 %' } })).toBe(true)
    expect(entry({ retained: '2%' })).toBe(false)
    expect(entry({ leak: '1%' })).toBe(false)
    expect(entry({ objects: { Event: '2%' } })).toBe(false)
    expect(entry({ allocated: {} })).toBe(false)
    expect(entry({ allocated: { share: 2 } })).toBe(false)
    expect(entry({ allocated: '-2%' })).toBe(false)
  })

  test('states the same bounds and defaults as src/budgets/defaults.ts', () => {
    const { cycles, warmup, leak } = schema.$defs.entry.properties
    expect([cycles.minimum, cycles.maximum, cycles.default]).toEqual([MIN_CYCLES, MAX_CYCLES, DEFAULT_CYCLES])
    expect([warmup.minimum, warmup.maximum, warmup.default]).toEqual([0, MAX_WARMUP, DEFAULT_WARMUP])
    expect(leak.default).toBe(DEFAULT_LEAK)
  })

  test('closes every object and describes every property', () => {
    const open: string[] = []
    const undescribed: string[] = []
    const visit = (node: Record<string, any>, path: string): void => {
      if (node.type === 'object' && node.additionalProperties === undefined) open.push(path)
      for (const [key, child] of Object.entries<Record<string, any>>(node.properties ?? {})) {
        if (typeof child.description !== 'string') undescribed.push(`${path}.${key}`)
        visit(child, `${path}.${key}`)
      }
      if (typeof node.additionalProperties === 'object') visit(node.additionalProperties, `${path}.*`)
    }
    visit(schema, '#')
    for (const [name, def] of Object.entries<Record<string, any>>(schema.$defs)) visit(def, `#/$defs/${name}`)
    expect({ open, undescribed }).toEqual({ open: [], undescribed: [] })
  })

  // Editors check with the schema's pattern, the plugin with parseSize: they must agree.
  test.each([
    '0', '512', '512 B', '512b', '600 kB', '600kB', '600 KB', '600 kb', '2 Mb', '1 gb', '10 KiB', '1.5 mib', '1 GiB',
    ' 1 kB ', '1.5 MB', '', '1e3 B', '.5 MB', '1. kB', '-1 kB', '1 TB', '8 Mbit', 'kB', '1 k B', '1,5 MB', '12 parsecs',
  ])('the size pattern and parseSize agree on %j', (text) => {
    const pattern = new RegExp(schema.$defs.size.anyOf[1].pattern, 'u')
    let parses = true
    try {
      parseSize(text)
    } catch {
      parses = false
    }
    expect(pattern.test(text)).toBe(parses)
  })
})
