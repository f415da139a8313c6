// The allocation pass: volume per cycle (garbage included), allocating functions, direct vs
// indirect, and peak heap. Vitest-free, like the rest of the engine.
export { DEFAULT_SAMPLING_INTERVAL, MAX_SAMPLING_INTERVAL, measureAllocations } from './measure-allocations.ts'
export type { AllocationMeasurement, AllocationOptions, AllocationPlan, AllocationVariant } from './measure-allocations.ts'
export { extraSites, reduceProfile } from './sites.ts'
export type { AllocationSite, ExtraSite, ProfileNode, SiteKind } from './sites.ts'
export { BUILT_IN, splitDirect, YOUR_CODE } from './split.ts'
export type { DirectSplit, SiteGroup } from './split.ts'
export { globMatcher } from './glob.ts'
