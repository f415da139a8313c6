import type { CheckVerdict } from '../check-record.ts'
import type { MemoryReport, ReportCheck } from '../report-model.ts'
import type { FailOn } from './fail-on.ts'
import type { FigureKey, FigureUnit } from './figures.ts'

/**
 * Two memory reports compared, as one typed object (`compareReports`): what the markdown, the JSON
 * and the CLI's exit code are all read from. Plain JSON, figures in the report's units.
 */
export interface Comparison {
  base: RunOf
  head: RunOf
  environment: EnvironmentComparison
  /** How many checks of each status, for the headline. */
  summary: Record<CheckStatus, number> & { renamed: number; verdictChanged: number }
  /** Changed checks first (verdict changes before figures), then added, removed, unchanged; report order within each. */
  checks: CheckComparison[]
  /** The limits on increases the comparison was judged by, when given. */
  failOn?: FailOn
  /** Increases beyond noise and beyond `failOn`'s limits, in check order. Empty without `failOn`. */
  regressions: Regression[]
  /** Whether the regressions fail: there are some, and the environments compare (their figures mean the same). */
  fails: boolean
}

/** A report as the comparison names it. */
export interface RunOf {
  /** The report's file, when the plugin read it (`compare`): relative to the Vitest root. */
  file?: string
  createdAt: string
  /** The generator's version that wrote it. */
  version: string
  shard?: MemoryReport['shard']
}

/**
 * - changed: a figure moved beyond the noise of both measurements, or the verdict changed;
 * - unchanged: every figure both runs have is within noise, and the verdict is the same;
 * - added, removed: the check is in one run only.
 */
export type CheckStatus = 'changed' | 'unchanged' | 'added' | 'removed'

/** What identifies a check across runs: project (when named), file, test, and budget (absent for toLeakMemory). */
export interface CheckKey {
  project?: string
  file: string
  test: string
  matcher: ReportCheck['matcher']
  budget?: string
}

export interface CheckComparison {
  status: CheckStatus
  /** The head's check; the base's for a removed one. */
  key: CheckKey
  /** The base's key, when the check was matched under another name (see match-checks.ts). */
  renamedFrom?: CheckKey
  /** The check's `id` in each report it is in. */
  ids: { base?: string; head?: string }
  verdict: { base?: CheckVerdict; head?: CheckVerdict }
  verdictChanged: boolean
  /** Figures both runs have, in the report's order; a check added or removed has none. */
  figures: FigureComparison[]
}

export interface FigureComparison {
  key: FigureKey
  /** Which one, for figures that come several to a check: the leak's variant, the objects' constructor. */
  of?: string
  unit: FigureUnit
  base: number
  head: number
  /** head - base. */
  delta: number
  /** delta / |base|; null when base is 0. */
  relative: number | null
  /** How far the two figures may differ by noise alone (noise.ts): a change is a delta beyond it. */
  noise: number
  change: 'unchanged' | 'increased' | 'decreased'
}

export interface EnvironmentComparison {
  /** False when a difference makes the figures not compare (all but the OS release do). */
  comparable: boolean
  differences: EnvironmentDifference[]
}

export interface EnvironmentDifference {
  key: 'node' | 'v8' | 'os' | 'arch' | 'pools' | 'browsers' | 'shard'
  base: string
  head: string
  /** The figures still compare (a kernel release, a shard of the same run). */
  minor: boolean
}

export interface Regression {
  key: CheckKey
  figure: FigureComparison
  /** The failOn limit it went over, as given: `10%`, `4 kB`. */
  limit: string
  /** One line: `"telemetry" (a.test.ts › sends): allocated +200 kB/cycle (+133%), over the +10% allowed`. */
  message: string
}
