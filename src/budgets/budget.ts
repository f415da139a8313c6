import type { BaselineLimit } from './relative-limits.ts'

/**
 * A limit of a figure the baseline has too (`allocated`, `direct`, `peak`), as written: a size
 * (`"200 kB"`), a share of the baseline's figure in the same check (`"2%"`), or both, where both must
 * hold (`{ most: '600 kB', share: '2%' }`).
 */
export type LimitInput = number | string | { most?: number | string; share?: `${number}%` }

/**
 * A budget as the user writes it, in `memory-budgets.json` (`defaults` or `budgets.<name>`) or as the
 * matcher's `overrides` argument. Sizes are bytes, or strings such as `"600 kB"` or `"1.5 MiB"`.
 */
export interface BudgetInput {
  /** Measured cycles per variant (baseline and candidate each run this many). */
  cycles?: number
  /** Cycles run before measuring, so that JIT tier-up and lazy initialisation settle. */
  warmup?: number
  /** Most memory the candidate may still hold after its cycles, beyond the baseline. */
  retained?: number | string
  /** Most growth per cycle allowed for each variant. */
  leak?: number | string
  /** Browser mode: most DOM nodes per cycle each variant may keep adding (default 0). */
  domNodes?: number
  /** Browser mode: most JS event listeners per cycle each variant may keep adding (default 0). */
  listeners?: number
  /**
   * Most new objects the candidate may still hold after its cycles, beyond the baseline, per
   * constructor name; `"*"` limits every constructor not named. Makes the check take heap snapshots.
   * @example { "TelemetryEvent": 0, "*": 50 }
   */
  objects?: Record<string, number>
  /**
   * Most extra bytes per cycle the candidate may allocate beyond the baseline, garbage included; a
   * share is of the baseline's own allocation per cycle.
   * @example '200 kB' or '2%' or { most: '200 kB', share: '2%' }
   */
  allocated?: LimitInput
  /**
   * Most extra peak heap the candidate may reach beyond the baseline's in a typical cycle (per-cycle
   * peaks, shifted); a share is of the baseline's typical cycle's peak.
   */
  peak?: LimitInput
  /**
   * Most extra bytes per cycle the candidate may allocate in its own code (`sites.direct`); a share is
   * of the baseline's whole allocation per cycle.
   */
  direct?: LimitInput
  /** Which allocation sites are the feature's own code: globs relative to the project root. */
  sites?: { direct?: string[] }
}

/** A validated budget entry: every size is a whole number of bytes. */
export interface BudgetEntry {
  cycles?: number
  warmup?: number
  retained?: number
  leak?: number
  domNodes?: number
  listeners?: number
  objects?: Record<string, number>
  allocated?: BaselineLimit
  peak?: BaselineLimit
  direct?: BaselineLimit
  sites?: { direct?: string[] }
}

/** A validated budget file. */
export interface BudgetFile {
  /** Absolute path the file was read from. */
  path: string
  defaults: BudgetEntry
  budgets: Record<string, BudgetEntry>
}

/** What a check runs with: file defaults, then the entry, then the matcher's overrides, over built-in defaults. */
export interface ResolvedBudget {
  name: string
  /** Absolute path of the budget file, for messages. */
  file: string
  cycles: number
  warmup: number
  /** Absent when the budget sets no retained limit. */
  retained?: number
  leak: number
  /** Browser mode's DOM counts: most added per cycle (absent: 0). */
  domNodes?: number
  listeners?: number
  /** Absent when the budget sets no object limits. */
  objects?: Record<string, number>
  /** Bytes, or a share of the baseline's figure in the same check (judge.ts turns it into bytes). */
  allocated?: BaselineLimit
  peak?: BaselineLimit
  direct?: BaselineLimit
  sites?: { direct?: string[] }
}
