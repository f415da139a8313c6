// One allocation-pass run in a fresh process, for bench/allocations.ts. Prints one line of JSON.
// Usage: node bench/allocations-once.ts <allocation fixture> [samplingInterval]
// Runs the retained pass (measureBudget, default cycles and warm-up) on one fresh block, then the
// allocation pass on another, so the time the allocation pass adds can be set against the check's.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { allocationFixtures } from '../fixtures/blocks/allocations.ts'
import { DEFAULT_CYCLES, DEFAULT_WARMUP } from '../src/budgets/defaults.ts'
import { measureAllocations, splitDirect } from '../src/engine/allocations/index.ts'
import { makeContexts } from '../src/engine/cycles.ts'
import { createHeapProbe, measureBudget } from '../src/engine/index.ts'
import { settle } from '../src/engine/settle.ts'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface AllocationRun {
  baselinePerCycle: number
  candidatePerCycle: number
  samplingError: number
  topSite: string
  topShare: number
  directShare: number
  extraPeak: number
  /** Half-width of extraPeak's 95% interval on the side the verdict reads (extraPeak - low). */
  extraPeakUncertainty: number
  samples: number
  /** Whole allocation pass, and the retained pass it comes on top of. */
  allocationMs: number
  retainedMs: number
  /** Both variants' measured cycles under the sampler, and the same cycles of the same block again without it. */
  sampledCyclesMs: number
  plainCyclesMs: number
}

const [name, intervalArg] = process.argv.slice(2)
const fixture = allocationFixtures.find((candidate) => candidate.name === name)
if (!fixture) throw new Error(`No allocation fixture named "${name}": ${allocationFixtures.map((f) => f.name).join(', ')}`)
const probe = createHeapProbe()
const plan = { cycles: DEFAULT_CYCLES, warmup: DEFAULT_WARMUP }

const retained = await measureBudget(fixture.create(), plan, probe)
const block = fixture.create()
const m = await measureAllocations(block, plan, {
  probe,
  ...(intervalArg !== undefined && { samplingInterval: Number(intervalArg) }),
})
// The same cycles, as the allocation pass runs them (settle and a full GC after each), unsampled.
const plainStarted = performance.now()
for (const context of [...makeContexts(false, 0, plan.cycles), ...makeContexts(true, plan.cycles, plan.cycles)]) {
  await block(context)
  await settle()
  probe.gc()
}
const plainCyclesMs = performance.now() - plainStarted
const top = m.extraSites[0]
// The feature's own files, as a user would name them: the folder of the function that makes the extra
// (`fixtures/blocks/telemetry/**` for the telemetry fixture).
const extraFile = fixture.allocation.extraSite?.file
const split = splitDirect(m.extraSites, extraFile ? [`${path.posix.dirname(extraFile)}/**`] : [], ROOT)
const run: AllocationRun = {
  baselinePerCycle: m.baseline.bytesPerCycle,
  candidatePerCycle: m.candidate.bytesPerCycle,
  samplingError: m.candidate.samplingError,
  topSite: top ? `${top.functionName} ${path.relative(ROOT, top.file)}:${top.line}` : '',
  topShare: top?.share ?? 0,
  directShare: split.direct.share,
  // Node measures heights always; only a browser page's pass leaves them out.
  extraPeak: m.extraPeak!,
  extraPeakUncertainty: m.extraPeak! - m.extraPeakRange!.low,
  samples: m.baseline.samples + m.candidate.samples,
  allocationMs: m.durationMs,
  retainedMs: retained.durationMs,
  sampledCyclesMs: m.baseline.cyclesMs + m.candidate.cyclesMs,
  plainCyclesMs,
}
process.stdout.write(JSON.stringify(run) + '\n')
