import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * From V8's sampling heap profile (a call tree whose nodes carry the bytes allocated while that
 * function was on top of the stack) to allocation sites: bytes per cycle by function, with the
 * built-ins folded into the code that called them. Pure, so it is tested on synthetic trees.
 *
 * Two limits of the profile itself, both seen on Node 24.21:
 * - A function the optimizing compilers inlined into its caller is not on the stack V8 records: its
 *   allocations are the caller's. A 48-byte object made 20,000 times a cycle by `record(i)`, called
 *   from a hot loop, read 96% under the loop's function; with `--no-turbo-inlining
 *   --no-maglev-inlining` set before the code was first optimized, 97% under `record`.
 * - Lines are those of the code V8 ran. Node's own type stripping keeps positions; Vite's transform
 *   (code run inside Vitest) does not, so there they are the transformed file's lines.
 */

/** A call frame as the inspector protocol reports it. */
export interface ProfileCallFrame {
  functionName: string
  /** Script URL: `file:///...` for ES modules, a path for CommonJS and most transformed code, '' for V8 built-ins. */
  url: string
  /**
   * 0-based line where the FUNCTION STARTS, not the line that allocated: V8's sampler records the
   * function on the stack (its SharedFunctionInfo), not a position in it. -1 when unknown.
   */
  lineNumber: number
  /** 0-based column where the function starts; -1 when unknown. */
  columnNumber?: number
}

/** A node of `HeapProfiler.SamplingHeapProfile`'s tree, as much of it as this module reads. */
export interface ProfileNode {
  callFrame: ProfileCallFrame
  /** Estimated bytes allocated with this node's frame on top of the stack (V8 scales each sample up by its odds). */
  selfSize: number
  /** Unique in its profile; samples name their node by it. */
  id?: number
  children: readonly ProfileNode[]
}

export type SiteKind = 'code' | 'package' | 'built-in'

/** Bytes allocated per cycle by one function. */
export interface AllocationSite {
  /** The function's name; '(anonymous)' when it has none; `(built-in) name` for built-ins that no code of a file called. */
  functionName: string
  /** Absolute path for files (file: URLs converted); the script URL as given when it is not a file; '' for built-ins. */
  file: string
  /** 1-based line where the function starts (not the allocating line); 0 for built-ins. */
  line: number
  /** 1-based column where the function starts; 0 for built-ins. */
  column: number
  /** 'package' for files inside node_modules; 'built-in' for V8 and Node internals with no calling file. */
  kind: SiteKind
  /** For 'package' sites: the package name (`name` or `@scope/name`), from the innermost node_modules. */
  package?: string
  bytesPerCycle: number
}

/** A site's bytes per cycle in the candidate beyond the baseline, and its share of all such extra bytes. */
export interface ExtraSite extends AllocationSite {
  /** Candidate bytes per cycle at this site minus the baseline's, floored at 0. */
  bytesPerCycle: number
  /** Fraction (0..1) of the sum of every site's extra bytes. */
  share: number
  /**
   * Upper bound of one standard deviation of bytesPerCycle from sampling, when the sampling was
   * given: sqrt(interval x (candidate + baseline bytes at the site) x cycles) / cycles. A site both
   * variants use reads a small extra by chance; one under about twice this may be only that.
   */
  samplingError?: number
}

export interface SiteOptions {
  /** Cycles the profile spans: every figure is divided by it. */
  cycles: number
  /**
   * Files whose allocations are the measuring tool's own (its cycle loop, `settle`), left out of the
   * sites and totals and counted in `toolBytesPerCycle` instead. Built-ins they call go with them.
   */
  isTool?: (file: string) => boolean
}

export interface SiteReduction {
  /** Sites, largest first. */
  sites: AllocationSite[]
  /** All bytes per cycle in `sites`. */
  bytesPerCycle: number
  /** Bytes per cycle the tool's own frames allocated, not in `sites`. */
  toolBytesPerCycle: number
}

/**
 * V8 built-ins and Node's own JavaScript: an allocation there is charged to whoever called it.
 * (`Array`, `JSON.parse`, `Promise` have an empty url; `node:events`, `node:internal/...` are Node's.)
 */
export function isBuiltinUrl(url: string): boolean {
  return url === '' || url.startsWith('node:')
}

/** The file a script URL names: file: URLs as paths, query and hash dropped; other URLs unchanged. */
export function fileOf(url: string): string {
  if (url.startsWith('file:')) {
    try {
      return fileURLToPath(url.replace(/[?#].*$/, ''))
    } catch {
      return url
    }
  }
  return path.isAbsolute(url) ? url.replace(/[?#].*$/, '') : url
}

/** The npm package a file belongs to: the directory after its innermost `node_modules`, with its scope. */
export function packageOf(file: string): string | undefined {
  const parts = file.split(/[\\/]/)
  const at = parts.lastIndexOf('node_modules')
  if (at < 0 || at + 1 >= parts.length) return undefined
  const name = parts[at + 1]!
  return name.startsWith('@') && at + 2 < parts.length ? `${name}/${parts[at + 2]}` : name
}

const keyOf = (site: Omit<AllocationSite, 'bytesPerCycle'>): string =>
  `${site.kind}\0${site.file}\0${site.line}\0${site.column}\0${site.functionName}`

/** A site for a frame of code in a file (not a built-in). */
function codeSite(frame: ProfileCallFrame): Omit<AllocationSite, 'bytesPerCycle'> {
  const file = fileOf(frame.url)
  const pkg = packageOf(file)
  return {
    functionName: frame.functionName || '(anonymous)',
    file,
    // The protocol's lines and columns are 0-based and give where the function starts.
    line: frame.lineNumber + 1,
    column: (frame.columnNumber ?? -1) + 1,
    kind: pkg === undefined ? 'code' : 'package',
    ...(pkg !== undefined && { package: pkg }),
  }
}

function builtinSite(name: string): Omit<AllocationSite, 'bytesPerCycle'> {
  return { functionName: `(built-in) ${name || '(anonymous)'}`, file: '', line: 0, column: 0, kind: 'built-in' }
}

/**
 * Folds a profile tree into sites. Each node's bytes go to its own function when it is code in a
 * file; a built-in's go to the nearest code frame above it (walking towards the root), or, when
 * there is none, to `(built-in) <its name>`. The same function reached through different stacks is
 * one site.
 */
export function reduceProfile(head: ProfileNode, { cycles, isTool = () => false }: SiteOptions): SiteReduction {
  const sites = new Map<string, AllocationSite>()
  let tool = 0
  const stack: { node: ProfileNode; owner: Omit<AllocationSite, 'bytesPerCycle'> | undefined; ownerIsTool: boolean }[] = [
    { node: head, owner: undefined, ownerIsTool: false },
  ]
  // Iterative: a deep async stack must not overflow this one.
  while (stack.length > 0) {
    const { node, owner: above, ownerIsTool: aboveIsTool } = stack.pop()!
    const builtin = isBuiltinUrl(node.callFrame.url)
    const owner = builtin ? above : codeSite(node.callFrame)
    const ownerIsTool = builtin ? aboveIsTool : isTool(owner!.file)
    if (node.selfSize > 0) {
      if (ownerIsTool) tool += node.selfSize
      else {
        const site = owner ?? builtinSite(node.callFrame.functionName)
        const key = keyOf(site)
        const existing = sites.get(key)
        if (existing) existing.bytesPerCycle += node.selfSize
        else sites.set(key, { ...site, bytesPerCycle: node.selfSize })
      }
    }
    for (const child of node.children) stack.push({ node: child, owner, ownerIsTool })
  }
  const list = [...sites.values()]
  let total = 0
  for (const site of list) {
    site.bytesPerCycle /= cycles
    total += site.bytesPerCycle
  }
  return { sites: list.sort(bySize), bytesPerCycle: total, toolBytesPerCycle: tool / cycles }
}

/**
 * The candidate's extra allocation by site: candidate bytes per cycle minus the baseline's at the
 * same site, floored at 0, largest first, with each one's share of their sum. Floored, because a
 * site the candidate uses less is a saving, not a cost to point at; so the sum can exceed the net
 * difference of the totals, by the savings and by sampling noise at sites both variants share.
 */
export function extraSites(
  candidate: readonly AllocationSite[],
  baseline: readonly AllocationSite[],
  sampling?: { interval: number; cycles: number },
): ExtraSite[] {
  const before = new Map(baseline.map(site => [keyOf(site), site.bytesPerCycle]))
  const extra: ExtraSite[] = []
  for (const site of candidate) {
    const base = before.get(keyOf(site)) ?? 0
    const bytes = site.bytesPerCycle - base
    if (bytes <= 0) continue
    extra.push({
      ...site,
      bytesPerCycle: bytes,
      share: 0,
      ...(sampling && {
        samplingError: Math.sqrt(sampling.interval * (site.bytesPerCycle + base) * sampling.cycles) / sampling.cycles,
      }),
    })
  }
  const total = extra.reduce((sum, site) => sum + site.bytesPerCycle, 0)
  for (const site of extra) site.share = site.bytesPerCycle / total
  return extra.sort(bySize)
}

/** Largest first; ties by name, file and line, so that the order is stable. */
function bySize(a: AllocationSite, b: AllocationSite): number {
  return (
    b.bytesPerCycle - a.bytesPerCycle ||
    a.functionName.localeCompare(b.functionName) ||
    a.file.localeCompare(b.file) ||
    a.line - b.line
  )
}
