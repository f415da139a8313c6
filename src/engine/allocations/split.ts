import path from 'node:path'
import { globMatcher } from './glob.ts'
import type { AllocationSite } from './sites.ts'

/**
 * Direct versus indirect allocation: the part of a feature's allocation made in its own files (the
 * ones the globs name) and the part made on its behalf elsewhere, in other code of the project, in
 * packages, in built-ins. Pure, over a site list, so budgets and messages can be tested without V8.
 */

/** Indirect bytes made in files of the project that the globs do not name. */
export const YOUR_CODE = '(your code)'
/** Indirect bytes made in V8 or Node built-ins that no file's code called. */
export const BUILT_IN = '(built-in)'

export interface SiteGroup<S extends AllocationSite = AllocationSite> {
  /** 'direct', 'indirect', a package name, YOUR_CODE or BUILT_IN. */
  name: string
  bytesPerCycle: number
  /** Fraction (0..1) of the split's total; 0 when the total is 0. */
  share: number
  /** Largest first, as given. */
  sites: S[]
}

export interface DirectSplit<S extends AllocationSite = AllocationSite> {
  /** Bytes per cycle of every site given. */
  bytesPerCycle: number
  /** Sites in files the globs match. */
  direct: SiteGroup<S>
  /** Every other site. */
  indirect: SiteGroup<S>
  /** The indirect sites by package name, YOUR_CODE or BUILT_IN, largest first. */
  indirectGroups: SiteGroup<S>[]
}

/**
 * Splits sites into direct (their file, relative to `root`, matches one of `globs`) and indirect,
 * grouped. Globs are relative to `root` (`src/telemetry/**`); files outside it never match a
 * relative glob (an absolute glob matches absolute paths), and files that are not paths (a vm
 * script's name) are matched as they are. Built-ins are always indirect.
 */
export function splitDirect<S extends AllocationSite>(sites: readonly S[], globs: readonly string[], root: string): DirectSplit<S> {
  const matchesRelative = globMatcher(globs.filter((glob) => !path.isAbsolute(glob)))
  const matchesAbsolute = globMatcher(globs.filter((glob) => path.isAbsolute(glob)))
  const matches = (file: string): boolean => {
    if (!path.isAbsolute(file)) return matchesRelative(file)
    const relative = path.relative(root, file)
    const inside = relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative)
    return (inside && matchesRelative(relative.split(path.sep).join('/'))) || matchesAbsolute(file)
  }
  const total = sites.reduce((sum, site) => sum + site.bytesPerCycle, 0)
  const group = (name: string, members: S[]): SiteGroup<S> => {
    const bytes = members.reduce((sum, site) => sum + site.bytesPerCycle, 0)
    return { name, bytesPerCycle: bytes, share: total > 0 ? bytes / total : 0, sites: members }
  }
  const direct: S[] = []
  const indirect: S[] = []
  const byGroup = new Map<string, S[]>()
  for (const site of sites) {
    if (site.kind !== 'built-in' && matches(site.file)) {
      direct.push(site)
      continue
    }
    indirect.push(site)
    const name = site.kind === 'built-in' ? BUILT_IN : (site.package ?? YOUR_CODE)
    const members = byGroup.get(name)
    if (members) members.push(site)
    else byGroup.set(name, [site])
  }
  const indirectGroups = [...byGroup].map(([name, members]) => group(name, members))
  indirectGroups.sort((a, b) => b.bytesPerCycle - a.bytesPerCycle || a.name.localeCompare(b.name))
  return { bytesPerCycle: total, direct: group('direct', direct), indirect: group('indirect', indirect), indirectGroups }
}
