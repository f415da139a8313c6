import { fixtures } from '../fixtures/blocks/index.ts'
import { DEFAULT_CYCLES } from '../src/budgets/defaults.ts'
import { sweepFixtures } from './sweep.ts'

export interface PlannedFixture {
  name: string
  mode: 'leak' | 'budget' | 'objects'
  runs: number
  /**
   * retained: what the candidate holds beyond the baseline, for `enabledCycles` cycles with the
   * feature on (its warm-up, whose length varies, and its measured cycles).
   */
  truth: { leaks: boolean; leakPerCycle: number; retained: (enabledCycles: number) => number; retains: boolean }
}

/** Which fixtures run with which matcher, how often: clean ones most, since a flake is the worst failure. */
export function benchPlan(quick: boolean): PlannedFixture[] {
  const runs = (full: number) => (quick ? 3 : full)
  const plan: PlannedFixture[] = []
  for (const fixture of [...fixtures, ...sweepFixtures]) {
    const { truth } = fixture
    const extraPerCycle = truth.leakPerCycle - truth.baselineLeakPerCycle
    const retained = (enabledCycles: number) => truth.oneTime + extraPerCycle * enabledCycles
    const entry = (mode: PlannedFixture['mode'], count: number) =>
      plan.push({ name: fixture.name, mode, runs: runs(count), truth: { leaks: truth.leaks, leakPerCycle: truth.leakPerCycle, retained, retains: retained(DEFAULT_CYCLES) > 0 } })
    if (fixture.name === 'candidate-cache-200kb' || fixture.name === 'sleep-1ms') {
      entry('budget', 20)
      entry('objects', 20)
    } else if (fixture.name.startsWith('candidate-')) entry('budget', 20)
    else if (fixture.name.startsWith('clean-')) {
      entry('leak', 50)
      entry('budget', 50)
      entry('objects', 50)
    } else entry('leak', 20)
  }
  return plan
}
