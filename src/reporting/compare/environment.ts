import type { MemoryReport } from '../report-model.ts'
import type { EnvironmentComparison, EnvironmentDifference } from './comparison.ts'

/**
 * What of two runs' environments differs. Node and V8 versions change what objects cost and what
 * code allocates, the architecture pointer sizes, a pool or a browser where the heap is: figures
 * across such a difference do not compare. The OS release alone (a CI image's kernel update) and
 * the shard are listed, but the figures still compare: `minor`. The OS type is not minor.
 */
export function compareEnvironments(base: MemoryReport, head: MemoryReport): EnvironmentComparison {
  const differences: EnvironmentDifference[] = []
  const note = (key: EnvironmentDifference['key'], a: string, b: string, minor = false) => {
    if (a !== b) differences.push({ key, base: a, head: b, minor })
  }
  const [before, after] = [base.environment, head.environment]
  note('node', before.node, after.node)
  note('v8', before.v8, after.v8)
  note('os', before.os, after.os, osType(before.os) === osType(after.os))
  note('arch', before.arch, after.arch)
  note('pools', before.pools.join(', '), after.pools.join(', '))
  note('browsers', (before.browsers ?? []).join(', ') || 'none', (after.browsers ?? []).join(', ') || 'none')
  note('shard', shardOf(base), shardOf(head), true)
  return { comparable: differences.every((difference) => difference.minor), differences }
}

/** `Linux` of `Linux 6.8.0`. */
function osType(os: string): string {
  return os.split(' ')[0] ?? os
}

function shardOf({ shard }: MemoryReport): string {
  return shard ? `${shard.index}/${shard.count}` : 'whole run'
}
