import type { Fixture } from '../fixtures/blocks/fixture.ts'
import { fixtureByName } from '../fixtures/blocks/index.ts'

/**
 * Small leaks around the 64 B/cycle noise floor, to find the smallest one the default settings
 * catch in 95% of runs. Each cycle keeps one array of doubles: 32 B of JSArray, 16 B of
 * FixedDoubleArray header and 8 B an element (64-bit V8, no pointer compression in Node), so `size`
 * bytes take (size - 48) / 8 elements. The holder's own slots grow in amortised chunks, which the
 * median slope does not see (checked: the estimates match the sizes).
 */
const SWEEP_SIZES = [64, 72, 80, 96, 128, 256]

export const sweepFixtures: Fixture[] = SWEEP_SIZES.map((size) => ({
  name: `sweep-array-${size}b`,
  description: `keeps ${size} B per cycle in an array of doubles`,
  truth: { leakPerCycle: size, baselineLeakPerCycle: size, oneTime: 0, leaks: true },
  create() {
    const held: number[][] = []
    return ({ cycle }) => {
      // Doubles, not small integers, so every slot is a full 8 bytes in a FixedDoubleArray.
      held.push(Array.from({ length: (size - 48) / 8 }, (_, i) => cycle + i + 0.5))
    }
  },
}))

export function fixtureFor(name: string): Fixture {
  const fixture = sweepFixtures.find((candidate) => candidate.name === name) ?? fixtureByName(name)
  if (!fixture) throw new Error(`no fixture named ${name}`)
  return fixture
}
