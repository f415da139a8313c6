import { runLeakCheck } from '../src/checks/leak-check.ts'
import { createHeapProbe } from '../src/engine/index.ts'
import { fixtureFor } from './sweep.ts'
const fixture = fixtureFor(process.argv[2]!)
const probe = createHeapProbe()
const block = fixture.create()
const o = await runLeakCheck(block, { cycles: 20, warmup: 20, leak: 0 }, probe)
const r = o.measurement.variant.readings
const d = r.slice(1).map((x, i) => x - r[i]!)
console.log(JSON.stringify({ cycles: o.measurement.cycles, warmup: o.measurement.warmupRun, perCycle: Math.round(o.measurement.variant.growth.perCycle), total: r.at(-1)! - r[0]!, deltas: d.slice(0, 24).join(' '), warm: o.measurement.warmupReadings.map((x, i, a) => i ? x - a[i-1]! : 0).join(' ') }))
