// Type tests, checked by `tsc` in `npm test` (never run): each @ts-expect-error must be an error,
// and everything else must compile, as it would in a user's project.
import { expect } from 'vitest'
import type { CycleContext } from '../../src/index.ts'

export async function typeTests(): Promise<void> {
  // The block's context is typed without annotation.
  await expect(async ({ enabled, cycle }) => {
    const flag: boolean = enabled
    const index: number = cycle
    return flag && index
  }).toStayWithinMemoryBudget('telemetry')
  await expect(() => {}).toStayWithinMemoryBudget('telemetry', { retained: '600 kB', leak: 1024, cycles: 30 })
  await expect(() => {}).not.toLeakMemory()
  await expect(() => {}).not.toLeakMemory({ cycles: 30, warmup: 10, leak: '1 kB' })

  // A function that needs something else than a cycle context is still an ordinary expect() value.
  const parse = (text: string) => JSON.parse(text) as unknown
  expect(parse).toBeTypeOf('function')
  expect(() => parse('{')).toThrow()

  const context: CycleContext = { enabled: true, cycle: 0 }
  // @ts-expect-error the context is read-only
  context.enabled = false

  // @ts-expect-error the budget name is required
  await expect(() => {}).toStayWithinMemoryBudget()
  // @ts-expect-error overrides take budget keys only
  await expect(() => {}).toStayWithinMemoryBudget('telemetry', { retaind: '1 kB' })
  // @ts-expect-error toLeakMemory's options have no retained limit
  await expect(() => {}).not.toLeakMemory({ retained: '1 kB' })
  // @ts-expect-error enabled is a boolean
  await expect(({ enabled }) => enabled.toFixed()).not.toLeakMemory()
}
