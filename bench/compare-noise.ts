/**
 * Whether noise ever reads as a change (`npm run bench:compare`): runs fixtures/suites/compare as
 * the base N times and as the head M times, each in a fresh Vitest process, then compares every
 * pair of base runs (none may show a change) and every base with every head (each must show exactly
 * the changes made: 200 KiB a cycle more allocated, 50 kB more retained, one check added, one
 * removed). Prints how close the base pairs came to the noise, figure by figure.
 *
 *   node bench/compare-noise.ts [baseRuns = 20] [headRuns = 3]
 */
import { execFile } from 'node:child_process'
import { copyFileSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { compareReports } from '../src/reporting/compare/compare-reports.ts'
import type { Comparison } from '../src/reporting/compare/comparison.ts'
import { figureLabel } from '../src/reporting/compare/figures.ts'
import type { MemoryReport } from '../src/reporting/report-model.ts'
import { copySuite } from '../test/helpers/copy-suite.ts'

const baseRuns = Number(process.argv[2] ?? 20)
const headRuns = Number(process.argv[3] ?? 3)
const vitest = path.resolve('node_modules/vitest/vitest.mjs')
const suite = copySuite('compare')

/** One run in a fresh process; its report. */
async function run(variant: 'base' | 'head', index: number): Promise<MemoryReport> {
  const env: Record<string, string | undefined> = { ...process.env, MEMORY_VARIANT: variant, VITEST_MEMORY_BUDGET_COMPARE: undefined, GITHUB_STEP_SUMMARY: undefined }
  await promisify(execFile)(process.execPath, [vitest, 'run', '--root', suite.root], { env: env as NodeJS.ProcessEnv, maxBuffer: 1 << 26 })
  const file = path.join(suite.root, `${variant}-${index}.json`)
  copyFileSync(path.join(suite.root, 'memory-report/memory-report.json'), file)
  process.stderr.write(`${variant} run ${index} done\n`)
  return JSON.parse(readFileSync(file, 'utf8')) as MemoryReport
}

/** `status name: figure change, ...`, as test/integration/compare.test.ts reads a comparison. */
function changes(comparison: Comparison): string {
  return comparison.checks.map((check) => {
    const moved = check.figures.filter((figure) => figure.change !== 'unchanged').map((figure) => `${figureLabel(figure)} ${figure.change}`)
    return `${check.status} ${check.key.budget ?? check.key.test}${moved.length > 0 ? `: ${moved.join(', ')}` : ''}`
  }).join('; ')
}

try {
  const bases: MemoryReport[] = []
  for (let i = 1; i <= baseRuns; i++) bases.push(await run('base', i))
  const heads: MemoryReport[] = []
  for (let i = 1; i <= headRuns; i++) heads.push(await run('head', i))

  let pairs = 0
  const changed: string[] = []
  const closest = new Map<string, number>()
  for (let i = 0; i < bases.length; i++) {
    for (let j = i + 1; j < bases.length; j++) {
      pairs++
      const comparison = compareReports(bases[i]!, bases[j]!)
      if (comparison.checks.some((check) => check.status !== 'unchanged')) changed.push(`base ${i + 1} vs ${j + 1}: ${changes(comparison)}`)
      for (const check of comparison.checks) {
        for (const figure of check.figures) {
          const name = `${check.key.budget ?? check.key.test} › ${figureLabel(figure)}`
          closest.set(name, Math.max(closest.get(name) ?? 0, Math.abs(figure.delta) / figure.noise))
        }
      }
    }
  }
  const expected = 'changed telemetry: allocated increased, peak increased; changed cache: retained increased; added added in the head; removed removed in the head; unchanged steady; unchanged a clean block leaks nothing; unchanged serialize'
  const headPairs = bases.flatMap((base, i) => heads.map((head, j) => ({ name: `base ${i + 1} vs head ${j + 1}`, read: changes(compareReports(base, head)) })))
  const wrong = headPairs.filter((pair) => pair.read !== expected)

  console.log(`Base runs ${baseRuns}, head runs ${headRuns}.`)
  console.log(`Base pairs: ${pairs}, read as a change: ${changed.length}.`)
  for (const line of changed) console.log(`  ${line}`)
  console.log('Closest a base pair came to the noise (|delta| / noise), by figure:')
  for (const [name, ratio] of closest) console.log(`  ${name}: ${ratio.toFixed(2)}`)
  console.log(`Base-head pairs: ${headPairs.length}, reading exactly the changes made: ${headPairs.length - wrong.length}.`)
  for (const pair of wrong) console.log(`  ${pair.name}: ${pair.read}`)
  if (changed.length > 0 || wrong.length > 0) process.exitCode = 1
} finally {
  suite.remove()
}
