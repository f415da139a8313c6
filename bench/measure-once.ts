// One benchmark run in a fresh process: one check of a fixture with default settings, as the
// matchers run it (heap statistics, and heap snapshots when the check needs them). Prints JSON.
// Usage: node bench/measure-once.ts <fixture> <leak|budget|objects>
//   leak: toLeakMemory; budget: a budget with no limits but the default leak; objects: the same
//   budget limiting every constructor to 0 new objects, which makes it read heap snapshots.
import { DEFAULT_CYCLES, DEFAULT_LEAK, DEFAULT_WARMUP } from '../src/budgets/defaults.ts'
import { runBudgetCheck } from '../src/checks/budget-check.ts'
import { runLeakCheck } from '../src/checks/leak-check.ts'
import type { CheckOutcome } from '../src/checks/outcome.ts'
import { createHeapProbe } from '../src/engine/index.ts'
import type { PhaseAnalysis } from '../src/engine/snapshots/analyse.ts'
import { budgetRecord } from '../src/reporting/check-record.ts'
import { fixtureFor } from './sweep.ts'

const [name, mode] = process.argv.slice(2)
const fixture = fixtureFor(name!)
const probe = createHeapProbe()
const plan = { cycles: DEFAULT_CYCLES, warmup: DEFAULT_WARMUP, leak: DEFAULT_LEAK }
const block = fixture.create()
const started = performance.now()

if (mode === 'leak') {
  const outcome = await runLeakCheck(block, plan, probe)
  // Cycles measured: more than asked when the run went on while growth was seen but not settled.
  print(outcome, outcome.measurement.variant.growth.perCycle, outcome.evidence.block, { measuredCycles: outcome.measurement.cycles })
} else {
  const budget = { name: 'bench', file: 'bench', ...plan, ...(mode === 'objects' && { objects: { '*': 0 } }) }
  const outcome = await runBudgetCheck(block, budget, probe, process.cwd())
  const { retained } = budgetRecord(budget, outcome, process.cwd())
  print(outcome, outcome.measurement.candidate.growth.perCycle, outcome.evidence.candidate, {
    retained: retained!.bytes,
    enabledCycles: outcome.measurement.candidateWarmupRun + outcome.measurement.cycles,
    retainedSource: retained!.source,
    baselineGroups: outcome.evidence.baseline?.groups.length ?? 0,
  })
}
block.dispose?.()

function print(outcome: CheckOutcome<{ durationMs: number }>, leakEstimate: number, objects: PhaseAnalysis | undefined, extra: object = {}): void {
  const top = objects?.groups[0]
  // A collection grown by values that are not objects (Smis, doubles) shows no new object: name it.
  const collection = objects?.collections?.[0]
  process.stdout.write(JSON.stringify({
    flagged: !outcome.verdict.pass,
    leakEstimate,
    ...extra,
    snapshotsRead: objects !== undefined,
    groups: (objects?.groups.length ?? 0) + (objects?.collections?.length ?? 0),
    topGroup: top ? `${top.name} x${top.count}` : collection ? `${collection.name} +${collection.to - collection.from} entries` : '',
    measureMs: outcome.measurement.durationMs,
    analysisMs: outcome.analysisMs ?? 0,
    wallMs: performance.now() - started,
  }) + '\n')
}
