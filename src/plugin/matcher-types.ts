import type { expect } from 'vitest'
import type { BudgetInput } from '../budgets/budget.ts'
import type { CycleContext } from '../engine/cycles.ts'
import type { WorkerOptions } from './options.ts'

/** Options of `toLeakMemory()`. */
export interface LeakOptions {
  /** Measured cycles. @default 20 */
  cycles?: number
  /** Cycles run before measuring. @default 20 */
  warmup?: number
  /**
   * Allowed growth per cycle: bytes, or a string such as "1 kB". Growth must also be steady, and
   * above 64 B/cycle (the noise floor of heap statistics) unless objects are kept every cycle.
   * @default 0
   */
  leak?: number | string
}

/**
 * What `expect(value)` returns for a value of type T, in Vitest 4 (`Assertion<T>`) and 5
 * (`Assertion<void, T>`) alike: the type of `expect.soft(value)`, which is the same in both.
 */
type AssertionOf<T> = ReturnType<typeof expect.soft<T>>

// Written for Vitest 4.1 and 5 at once. Vitest 5 declares `Matchers<R, T>` and Vitest 4 `Matchers<T>`,
// and an augmentation must repeat the type parameters exactly or leave them all out (every one has a
// default): these matchers need neither, so none are declared.
declare module 'vitest' {
  interface Matchers {
    /**
     * Runs the block `warmup` cycles then `cycles` cycles with `{ enabled: false }` (baseline), and
     * `warmup` then `cycles` with `{ enabled: true }` (candidate), with a full GC and a heap reading
     * after each, and checks the budget `name` of the budget file. Must be awaited.
     * @example await expect(async ({ enabled }) => { ... }).toStayWithinMemoryBudget('telemetry')
     */
    toStayWithinMemoryBudget(name: string, overrides?: BudgetInput): Promise<void>
    /**
     * Passes when the block leaves memory behind every cycle: use it negated. Must be awaited.
     * @example await expect(async () => { ... }).not.toLeakMemory()
     */
    toLeakMemory(options?: LeakOptions): Promise<void>
  }

  interface ExpectStatic {
    /**
     * Gives a block passed to `expect` its cycle context type, so `({ enabled, cycle }) => ...` needs
     * no annotation. Any function still fits, and keeps its own type.
     */
    <T extends (context: CycleContext) => unknown>(block: T, message?: string): AssertionOf<T>
  }

  interface ProvidedContext {
    'vitest-memory-budget': WorkerOptions
  }
}
