// The measurement engine: knows V8 and statistics, nothing of Vitest or budget files.
export { createHeapProbe } from './heap-probe.ts'
export type { Block, CycleContext, HeapProbe } from './cycles.ts'
export type { GrowthEstimate } from './growth.ts'
export type { HeapSeries } from './heap-reading.ts'
export type { RetainedEstimate } from './retained.ts'
export { measureBudget, measureLeak } from './measure.ts'
export { BlockThrewNonError, describeThrow } from './block-failure.ts'
export type { BudgetMeasurement, LeakMeasurement, MeasurePlan, VariantMeasurement } from './measure.ts'
