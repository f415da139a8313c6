// One allocation-pass run in a fresh process, for bench/allocations.ts. Prints one line of JSON.
// Usage: node bench/allocations-once.ts <allocation fixture> [samplingInterval]
// Runs the retained pass (measureBudget, default cycles and warm-up) on one fresh block, then the
// allocation pass on another, so the time the allocation pass adds can be set against the check's.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { allocationFixtures } from '../fixtures/blocks/allocations.ts'
import { DEFAULT_CYCLES, DEFAULT_WARMUP } from '../src/budgets/defaults.ts'
import { measureAllocations, splitDirect } from '../src/engine/allocations/index.ts'
import { createHeapProbe, measureBudget } from '../src/engine/index.ts'

/** Where the telemetry fixture's extra lives, as a user would name their feature's files. */
export const DIRECT_GLOBS = ['fixtures/blocks/telemetry/**']
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface AllocationRun {
  baselinePerCycle: number
  candidatePerCycle: number
  samplingError: number
  topSite: string
  topShare: number
  directShare: number
  extraPeak: number
  samples: number
  /** Whole allocation pass, and the retained pass it comes on top of. */
  allocationMs: number
  retainedMs: number
  /** Candidate cycles' time under the sampler, and the same cycles' time in the retained pass (unsampled). */
  sampledCyclesMs: number
}

const [name, intervalArg] = process.argv.slice(2)
const fixture = allocationFixtures.find((candidate) => candidate.name === name)
if (!fixture) throw new Error(`No allocation fixture named "${name}": ${allocationFixtures.map((f) => f.name).join(', ')}`)
const probe = createHeapProbe()
const plan = { cycles: DEFAULT_CYCLES, warmup: DEFAULT_WARMUP }

const retained = await measureBudget(fixture.create(), plan, probe)
const m = await measureAllocations(fixture.create(), plan, {
  probe,
  ...(intervalArg !== undefined && { samplingInterval: Number(intervalArg) }),
})
const top = m.extraSites[0]
const split = splitDirect(m.extraSites, DIRECT_GLOBS, ROOT)
const run: AllocationRun = {
  baselinePerCycle: m.baseline.bytesPerCycle,
  candidatePerCycle: m.candidate.bytesPerCycle,
  samplingError: m.candidate.samplingError,
  topSite: top ? `${top.functionName} ${path.relative(ROOT, top.file)}:${top.line}` : '',
  topShare: top?.share ?? 0,
  directShare: split.direct.share,
  extraPeak: m.extraPeak,
  samples: m.baseline.samples + m.candidate.samples,
  allocationMs: m.durationMs,
  retainedMs: retained.durationMs,
  sampledCyclesMs: m.baseline.cyclesMs + m.candidate.cyclesMs,
}
process.stdout.write(JSON.stringify(run) + '\n')
