// One benchmark run in a fresh process: measure a fixture once with default settings, print JSON.
// Usage: node bench/measure-once.ts <fixture> <leak|budget>
import { DEFAULT_CYCLES, DEFAULT_LEAK, DEFAULT_WARMUP } from '../src/budgets/defaults.ts'
import { createHeapProbe } from '../src/engine/index.ts'
import { measureBudget, measureLeak } from '../src/engine/measure.ts'
import { isLeaking } from '../src/verdict/judge.ts'
import { fixtureFor } from './sweep.ts'

const [name, mode] = process.argv.slice(2)
const fixture = fixtureFor(name!)
const probe = createHeapProbe()
const plan = { cycles: DEFAULT_CYCLES, warmup: DEFAULT_WARMUP }
const block = fixture.create()
const started = performance.now()

if (mode === 'leak') {
  const m = await measureLeak(block, plan, probe)
  print({ flagged: isLeaking(m.variant.growth, DEFAULT_LEAK), leakEstimate: m.variant.growth.perCycle })
} else {
  const m = await measureBudget(block, plan, probe)
  const flagged = isLeaking(m.baseline.growth, DEFAULT_LEAK) || isLeaking(m.candidate.growth, DEFAULT_LEAK)
  print({ flagged, leakEstimate: m.candidate.growth.perCycle, retained: m.retained.bytes, retainedUncertainty: m.retained.uncertainty })
}
block.dispose?.()

function print(result: object): void {
  process.stdout.write(JSON.stringify({ ...result, wallMs: performance.now() - started }) + '\n')
}
