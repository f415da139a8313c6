// Vitest runs this file in every worker before each test file (the plugin adds it to setupFiles).
import { expect, inject } from 'vitest'
import { createHeapProbe } from '../engine/heap-probe.ts'
import { createMatchers } from './matchers.ts'
import { PROVIDE_KEY } from './options.ts'

const options = inject(PROVIDE_KEY)
if (!options) {
  throw new Error(
    'vitest-memory-budget: the worker received no options. Add the plugin to your Vitest config: plugins: [memoryBudget()]',
  )
}

// Fails the whole file, loudly, rather than measure with a collector that leaves garbage behind.
const probe = createHeapProbe()

expect.extend(createMatchers({ probe, budgetsPath: options.budgetsPath, root: options.root, recording: options.recording ?? false }))
