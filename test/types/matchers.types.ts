// Type tests (never run): each @ts-expect-error must be an error, and everything else must compile,
// as it would in a user's project. Checked twice: by `npm run typecheck` against src/ and Vitest 5,
// and by scripts/compat.sh against the built dist/index.d.ts as a user's project sees it, with
// Vitest 5 and with Vitest 4 (compat/types-check). So this file reaches the matchers only through
// Vitest's own types, never by importing the package.
import { expect, vi } from 'vitest'

export async function typeTests(): Promise<void> {
  // The block's context is typed without annotation.
  await expect(async ({ enabled, cycle }) => {
    const flag: boolean = enabled
    const index: number = cycle
    return flag && index
  }).toStayWithinMemoryBudget('telemetry')
  await expect(() => {}).toStayWithinMemoryBudget('telemetry', { retained: '600 kB', leak: 1024, cycles: 30 })
  // Relative limits: a share of the baseline's figure, alone or with a size.
  await expect(() => {}).toStayWithinMemoryBudget('telemetry', { allocated: '2%', peak: { most: '2 MB', share: '10%' }, direct: { share: '1%' } })
  await expect(() => {}).not.toLeakMemory()
  await expect(() => {}).not.toLeakMemory({ cycles: 30, warmup: 10, leak: '1 kB' })
  await expect(({ cycle }) => cycle + 1).toLeakMemory()
  // Both return a promise, to be awaited.
  const check: Promise<void> = expect(() => {}).not.toLeakMemory()
  await check

  // A function that needs something else than a cycle context is still an ordinary expect() value,
  // and a block keeps every other assertion.
  const parse = (text: string) => JSON.parse(text) as unknown
  expect(parse).toBeTypeOf('function')
  expect(() => parse('{')).toThrow()
  expect(() => parse('{')).not.toThrow('x')
  const mock = vi.fn()
  expect(mock).toHaveBeenCalledOnce()
  expect(mock).not.toHaveBeenCalledWith(1)
  await expect(async () => {}).resolves
  expect(1).toBe(1)
  await expect(Promise.resolve(1)).resolves.toBe(1)
  expect.soft(1).toBe(1)

  // @ts-expect-error the context is read-only
  await expect((context) => (context.enabled = false)).not.toLeakMemory()
  // @ts-expect-error enabled is a boolean
  await expect(({ enabled }) => enabled.toFixed()).not.toLeakMemory()
  // @ts-expect-error cycle is a number
  await expect(({ cycle }) => cycle.toUpperCase()).not.toLeakMemory()
  // @ts-expect-error the context has no other key
  await expect(({ index }) => index).not.toLeakMemory()
  // @ts-expect-error the budget name is required
  await expect(() => {}).toStayWithinMemoryBudget()
  // @ts-expect-error the budget name is a string
  await expect(() => {}).toStayWithinMemoryBudget(1)
  // @ts-expect-error overrides take budget keys only
  await expect(() => {}).toStayWithinMemoryBudget('telemetry', { retaind: '1 kB' })
  // @ts-expect-error sizes are numbers or strings
  await expect(() => {}).toStayWithinMemoryBudget('telemetry', { retained: true })
  // @ts-expect-error a share is a string ending in %, not a fraction
  await expect(() => {}).toStayWithinMemoryBudget('telemetry', { allocated: { share: 0.02 } })
  // @ts-expect-error toLeakMemory's options have no retained limit
  await expect(() => {}).not.toLeakMemory({ retained: '1 kB' })
  // @ts-expect-error cycles is a number
  await expect(() => {}).not.toLeakMemory({ cycles: '30' })
  // @ts-expect-error the matchers return a promise, not a value
  const result: number = await expect(() => {}).not.toLeakMemory()
  // @ts-expect-error an unknown matcher is still an error: the augmentation adds two, not any
  expect(() => {}).toLeakMemoryy()
}
