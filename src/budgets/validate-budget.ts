import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import type { BudgetEntry, BudgetFile } from './budget.ts'
import { BudgetError, formatJsonPath, showValue, unknownKeyMessage, type BudgetProblem } from './budget-errors.ts'
import { LIMIT_EXPECTED, parseLimit, parseShare, shareRefusal, isShare } from './relative-limits.ts'
import { bitsHint, parseSize, SIZE_EXPECTED } from './sizes.ts'

/**
 * Schema checks for budget files, overrides and matcher options, with ajv's errors turned into
 * BudgetProblems. Every problem is reported at once, each on its own line: a budget file is fixed
 * between test runs, and a run per typo is slow.
 */

/** Keys `toLeakMemory(options)` takes: it has no file, so no `retained`. */
const LEAK_OPTION_KEYS = ['cycles', 'warmup', 'leak', 'domNodes', 'listeners'] as const
export type LeakOptionsEntry = Pick<BudgetEntry, (typeof LEAK_OPTION_KEYS)[number]>

interface Validators {
  file: ValidateFunction
  entry: ValidateFunction
  leakOptions: ValidateFunction
  sizeSchema: AnySchemaObject
  shareSchema: AnySchemaObject
  /** The parts of `$defs.limit` errors point to: its object form, and its size-or-share form. */
  limitObject: AnySchemaObject
  limitScalar: AnySchemaObject
  sizeKeys: ReadonlySet<string>
  /** Keys whose value is a size or a share of the baseline's figure (relative-limits.ts). */
  limitKeys: ReadonlySet<string>
}

let validators: Validators | undefined

/**
 * Compiled on first use, not at import: most test files never touch a budget. The schema is read from
 * the package root (`../../` from both `src/budgets/` and `dist/budgets/`), the file editors use too:
 * found from the module's path, not `new URL(path, import.meta.url)`, which Vite rewrites as an asset
 * URL (an http: one) when it transforms this file for a DOM test environment (jsdom, happy-dom).
 */
function getValidators(): Validators {
  if (validators !== undefined) return validators
  const schema = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../budget.schema.json'), 'utf8'))
  const entry = schema.$defs.entry
  const ajv = new Ajv2020({ allErrors: true, verbose: true }) // verbose: errors carry their schema
  ajv.addVocabulary(['markdownDescription']) // read by VS Code; unknown to strict ajv
  ajv.addSchema(schema, 'budget')
  const leakOptions = {
    $defs: schema.$defs,
    type: 'object',
    properties: Object.fromEntries(LEAK_OPTION_KEYS.map((key) => [key, entry.properties[key]])),
    additionalProperties: false,
    examples: [{ cycles: 40, leak: '1 kB' }],
  }
  validators = {
    file: ajv.getSchema('budget')!,
    entry: ajv.getSchema('budget#/$defs/entry')!,
    leakOptions: ajv.compile(leakOptions),
    sizeSchema: schema.$defs.size,
    shareSchema: schema.$defs.share,
    limitObject: schema.$defs.limit.then,
    limitScalar: schema.$defs.limit.else,
    // Keys whose value is a size (or a limit), so that keys added to the schema later convert without code here.
    sizeKeys: new Set(Object.keys(entry.properties).filter((k) => entry.properties[k].$ref === '#/$defs/size')),
    limitKeys: new Set(Object.keys(entry.properties).filter((k) => entry.properties[k].$ref === '#/$defs/limit')),
  }
  return validators
}

/** Validates parsed JSON as a budget file and converts its sizes to bytes. */
export function validateBudgetFile(data: unknown, file: string): Omit<BudgetFile, 'path'> {
  const { file: validate } = getValidators()
  const problems = check(validate, data, '')
  if (problems.length > 0) {
    const hasSchema = typeof data === 'object' && data !== null && '$schema' in data
    throw new BudgetError(problems[0]!.code, { file, problems, hasSchema })
  }
  const { defaults = {}, budgets } = data as { defaults?: Record<string, unknown>; budgets: Record<string, Record<string, unknown>> }
  return {
    defaults: toEntry(defaults),
    // fromEntries, not assignment: a budget named "__proto__" stays a budget.
    budgets: Object.fromEntries(Object.entries(budgets).map(([name, entry]) => [name, toEntry(entry)])),
  }
}

/** Validates the overrides argument of `toStayWithinMemoryBudget(name, overrides)`. */
export function validateOverrides(data: unknown, budget: string): BudgetEntry {
  const input = withoutUndefined(data)
  const problems = check(getValidators().entry, input, 'overrides')
  if (problems.length > 0) throw new BudgetError('invalidOverrides', { budget, problems })
  return toEntry(input as Record<string, unknown>)
}

/** Validates the options of `toLeakMemory(options)`. */
export function validateLeakOptions(data: unknown): LeakOptionsEntry {
  const input = withoutUndefined(data)
  const problems = check(getValidators().leakOptions, input, 'options')
  if (problems.length > 0) throw new BudgetError('invalidOptions', { matcher: 'toLeakMemory', problems })
  return toEntry(input as Record<string, unknown>)
}

/** `{ cycles: undefined }` from code such as `{ cycles: opts.cycles }` means "not set", as in TypeScript. */
function withoutUndefined(data: unknown): unknown {
  if (data === undefined) return {}
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined))
}

function toEntry(raw: Record<string, unknown>): BudgetEntry {
  const { sizeKeys, limitKeys } = getValidators()
  const convert = (key: string, value: unknown): unknown =>
    sizeKeys.has(key) ? parseSize(value as number | string) : limitKeys.has(key) ? parseLimit(value) : value
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, convert(key, value)]))
}

/** Problems found by `validate`, one per place, in the order they appear in the data. */
function check(validate: ValidateFunction, data: unknown, root: string): BudgetProblem[] {
  if (validate(data)) return []
  const errors = validate.errors ?? []
  const problems: Array<BudgetProblem & { at: string }> = []
  const placed = new Set<string>()
  const where = (pointer: string) => formatJsonPath(segments(pointer, data), root)
  for (const error of errors) {
    const { instancePath, keyword, params } = error
    // A limit's `if` (is it the object form?) failing says only that its `then` did: that one speaks.
    if (keyword === 'if') continue
    if (keyword === 'additionalProperties') {
      const at = `${instancePath}/${escapeKey(params.additionalProperty)}`
      const known = Object.keys(error.parentSchema?.properties ?? {})
      problems.push({ code: 'unknownKey', jsonPath: where(at), message: unknownKeyMessage(params.additionalProperty, known), at })
    } else if (keyword === 'required') {
      const jsonPath = where(`${instancePath}/${escapeKey(params.missingProperty)}`)
      const expected = describe(error.parentSchema?.properties?.[params.missingProperty])
      problems.push({ code: 'invalid', jsonPath, message: `missing; expected ${expected}`, at: instancePath })
    } else if (keyword === 'propertyNames') {
      const at = `${instancePath}/${escapeKey(params.propertyName)}`
      problems.push({ code: 'invalid', jsonPath: where(at), message: 'names must not be empty', at })
    } else if (!error.schemaPath.includes('/propertyNames/') && !placed.has(instancePath)) {
      // The first error at a place stands for all of them there (a type and a range error, or every
      // branch of a size's anyOf): the message comes from the schema at that place, not from one error.
      placed.add(instancePath)
      const here = errors.filter((e) => e.instancePath === instancePath)
      const message = valueMessage(here, valueAt(data, instancePath), keyOf(instancePath, data))
      problems.push({ code: 'invalid', jsonPath: where(instancePath), message, at: instancePath })
    }
  }
  const order = documentOrder(data)
  return problems
    .map(({ at, ...problem }, index) => ({ problem, rank: order.get(at) ?? 0, index }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ problem }) => problem)
}

function valueMessage(errors: ErrorObject[], value: unknown, key: string): string {
  const { sizeSchema, shareSchema, limitObject, limitScalar } = getValidators()
  const from = (schema: AnySchemaObject) => errors.some((e) => e.parentSchema === schema)
  if (from(limitScalar)) {
    // 1.5: a size, but not a whole number of bytes. Anything else is none of the forms (a negative
    // number or share, "1e3 kB", "8 Mbit", true).
    if (typeof value === 'number' && value >= 0) return `expected a whole number of bytes, a string such as "1.5 kB", or a share such as "2%", got ${showValue(value)}`
    return `expected ${LIMIT_EXPECTED}, got ${showValue(value)}${bitsHint(value)}`
  }
  if (from(limitObject)) return `expected "most", "share" or both, such as { "most": "600 kB", "share": "2%" }, got ${showValue(value)}`
  if (from(shareSchema)) {
    try {
      parseShare(value)
    } catch (error) {
      return (error as Error).message
    }
  }
  const refusal = isShare(value) ? shareRefusal(key) : undefined
  if (from(sizeSchema)) {
    if (refusal !== undefined) return `expected ${SIZE_EXPECTED}, got ${showValue(value)}: ${refusal}`
    if (typeof value !== 'string' && typeof value !== 'number') return `expected ${SIZE_EXPECTED}, got ${showValue(value)}`
    try {
      parseSize(value)
    } catch (error) {
      return (error as Error).message // "12 parsecs" gets the same words from a file as from code
    }
    return `expected a whole number of bytes, or a string such as "1.5 kB", got ${showValue(value)}`
  }
  const outermost = errors.reduce((a, b) => (b.schemaPath.length < a.schemaPath.length ? b : a))
  return `expected ${describe(outermost.parentSchema)}, got ${showValue(value)}${refusal === undefined ? '' : `: ${refusal}`}`
}

/** What a schema asks for, in words: "an integer from 5 to 1000", "an object such as {...}". */
function describe(schema: AnySchemaObject | undefined): string {
  if (schema === undefined) return 'a value'
  if (schema === getValidators().sizeSchema || schema.$ref === '#/$defs/size') return SIZE_EXPECTED
  const { type, minimum, maximum, examples } = schema
  if (type === 'integer' && minimum !== undefined && maximum !== undefined) return `an integer from ${minimum} to ${maximum}`
  if (type === 'integer' && minimum === 0) return 'a non-negative integer'
  if (type === 'object' && Array.isArray(examples)) return `an object such as ${JSON.stringify(examples[0])}`
  return type === 'array' || type === 'integer' || type === 'object' ? `an ${type}` : `a ${type ?? 'value'}`
}

/** JSON-pointer segments, with array indexes as numbers so that they print as `[0]`. */
function segments(pointer: string, data: unknown): Array<string | number> {
  const out: Array<string | number> = []
  let node = data
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    out.push(Array.isArray(node) ? Number(key) : key)
    node = (node as Record<string, unknown> | undefined)?.[key]
  }
  return out
}

/** The entry key a value belongs to: `retained` for `/budgets/x/retained`, `objects` for `/budgets/x/objects/Event`. */
function keyOf(pointer: string, data: unknown): string {
  const path = segments(pointer, data)
  const parent = path.at(-2)
  return parent === 'objects' ? parent : String(path.at(-1) ?? '')
}

function valueAt(data: unknown, pointer: string): unknown {
  return segments(pointer, data).reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], data)
}

/** Each JSON pointer in `data`, numbered in the order it appears in the document. */
function documentOrder(data: unknown): Map<string, number> {
  const order = new Map<string, number>()
  const visit = (node: unknown, pointer: string): void => {
    order.set(pointer, order.size)
    if (typeof node !== 'object' || node === null) return
    for (const [key, child] of Object.entries(node)) visit(child, `${pointer}/${escapeKey(key)}`)
  }
  visit(data, '')
  return order
}

function escapeKey(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1')
}
