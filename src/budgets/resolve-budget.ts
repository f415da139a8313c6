import type { BudgetEntry, BudgetFile, ResolvedBudget } from './budget.ts'
import { BudgetError } from './budget-errors.ts'
import { DEFAULT_CYCLES, DEFAULT_LEAK, DEFAULT_WARMUP } from './defaults.ts'
import { validateLeakOptions, validateOverrides } from './validate-budget.ts'

const BUILT_IN = { cycles: DEFAULT_CYCLES, warmup: DEFAULT_WARMUP, leak: DEFAULT_LEAK } as const

/**
 * The budget `name` from `file`, each key taken from the first that sets it: the matcher's
 * `overrides`, then the entry, then the file's `defaults`, then the built-in defaults.
 *
 * @throws BudgetError `unknownBudget` when the file has no such budget, `invalidOverrides` when
 * `overrides` does not fit the entry schema (it is checked like a file entry, sizes included).
 */
export function resolveBudget(file: BudgetFile, name: string, overrides?: unknown): ResolvedBudget {
  // hasOwn: "constructor" or "toString" must not find Object.prototype's.
  const entry: BudgetEntry | undefined = Object.hasOwn(file.budgets, name) ? file.budgets[name] : undefined
  if (entry === undefined) {
    throw new BudgetError('unknownBudget', { file: file.path, name, known: Object.keys(file.budgets) })
  }
  const validOverrides = validateOverrides(overrides, name)
  const merged = { ...BUILT_IN, ...file.defaults, ...entry, ...validOverrides }
  // Object limits merge per constructor: an entry that limits one constructor keeps the defaults' others.
  const objects = file.defaults.objects || entry.objects || validOverrides.objects
    ? { ...file.defaults.objects, ...entry.objects, ...validOverrides.objects }
    : undefined
  return {
    name,
    file: file.path,
    cycles: merged.cycles,
    warmup: merged.warmup,
    ...(merged.retained === undefined ? {} : { retained: merged.retained }),
    leak: merged.leak,
    ...(merged.domNodes !== undefined && { domNodes: merged.domNodes }),
    ...(merged.listeners !== undefined && { listeners: merged.listeners }),
    ...(objects && { objects }),
    ...(merged.allocated !== undefined && { allocated: merged.allocated }),
    ...(merged.peak !== undefined && { peak: merged.peak }),
    ...(merged.direct !== undefined && { direct: merged.direct }),
    ...(merged.sites !== undefined && { sites: merged.sites }),
  }
}

/**
 * What `toLeakMemory(options)` runs with: its options over the built-in defaults (no budget file).
 *
 * @throws BudgetError `invalidOptions` for a key other than cycles, warmup, leak, domNodes and listeners, or a bad value.
 */
export function resolveLeakOptions(options?: unknown): LeakPlan {
  const { cycles, warmup, leak, domNodes, listeners } = { ...BUILT_IN, ...validateLeakOptions(options) }
  return { cycles, warmup, leak, ...(domNodes !== undefined && { domNodes }), ...(listeners !== undefined && { listeners }) }
}

/** What `toLeakMemory` runs with: `domNodes` and `listeners` are browser mode's, absent unless set. */
export interface LeakPlan {
  cycles: number
  warmup: number
  leak: number
  domNodes?: number
  listeners?: number
}
