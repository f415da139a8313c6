import { describe, expect, test } from 'vitest'
import { memoryBudget } from '../../src/plugin/memory-budget-plugin.ts'
import { resolveSnapshotHeapLimit, resolveWorkerOptions } from '../../src/plugin/options.ts'

describe('snapshotHeapLimit', () => {
  test('a size or a number of bytes, handed to the workers in bytes', () => {
    expect(resolveSnapshotHeapLimit('500 MB')).toBe(500_000_000)
    expect(resolveSnapshotHeapLimit(1_000)).toBe(1_000)
    expect(resolveSnapshotHeapLimit(undefined)).toBeUndefined()
    expect(resolveWorkerOptions({ snapshotHeapLimit: '1 GB' }, '/project').snapshotHeapLimit).toBe(1_000_000_000)
    expect(resolveWorkerOptions({}, '/project')).not.toHaveProperty('snapshotHeapLimit')
  })

  test('anything else fails the config when the plugin is created, saying what was expected', () => {
    const message = "vitest-memory-budget: the snapshotHeapLimit option must be a size, such as '500 MB', or a number of bytes: expected a size such as 600 kB, 1.5 MiB or 512 (bytes), got \"lots\""
    expect(() => resolveSnapshotHeapLimit('lots')).toThrow(message)
    expect(() => memoryBudget({ snapshotHeapLimit: 'lots' })).toThrow(message)
  })
})

describe('the test timeout of files with memory checks', () => {
  test("raised to 60 s from Vitest's default of the project's mode (5 s in Node, 15 s in browser mode), never from one set by hand", () => {
    expect(resolveWorkerOptions({}, '/project', 5_000).testTimeout).toBe(60_000)
    expect(resolveWorkerOptions({}, '/project', 15_000, true).testTimeout).toBe(60_000)
    expect(resolveWorkerOptions({}, '/project', 15_000)).not.toHaveProperty('testTimeout')
    expect(resolveWorkerOptions({}, '/project', 5_000, true)).not.toHaveProperty('testTimeout')
    expect(resolveWorkerOptions({ testTimeout: false }, '/project', 15_000, true)).not.toHaveProperty('testTimeout')
  })
})
