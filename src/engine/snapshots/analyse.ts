import { readHeapGraph, type HeapGraph } from './heap-graph.ts'
import { findNewObjects, type ObjectGroup } from './new-objects.ts'
import { explainObjects, type Explanation } from './explain.ts'
import type { GrownCollection } from '../collection-census.ts'
import { confirmGrowing, type GrowingCollection } from './growing-collections.ts'

export interface PhaseRequest {
  name: string
  /** Snapshot written before the phase's cycles, and after them. */
  before: string
  after: string
  /** Collections the census saw grow over the phase, to check against its snapshots. */
  collections?: GrownCollection[]
}

export interface AnalysisRequest {
  phases: PhaseRequest[]
  /** Also find retained sizes and retainer paths of each phase's top groups (explain.ts). */
  explain: boolean
}

export interface ExplainedGroup extends ObjectGroup {
  /** The first sample's retained size and retainer path, when asked for (`explain`). */
  sample?: Explanation
}

export interface PhaseAnalysis {
  name: string
  groups: ExplainedGroup[]
  /** Bytes of every new object the phase holds, off-heap backing stores included. */
  bytes: number
  /** Collections that existed before the phase and grew by an entry a cycle (growing-collections.ts). */
  collections?: GrowingCollection[]
  /**
   * Every new object the groups hold, folded or not, by name (new-objects.ts): what `objects` limits
   * count. Absent in records written before it: the groups then stand for it.
   */
  instances?: ExplainedGroup[]
}

export interface AnalysisResult {
  phases: PhaseAnalysis[]
  durationMs: number
}

/** Groups explained per phase: the ones a message shows. */
const EXPLAINED_GROUPS = 5

/**
 * What each phase left behind. Snapshots are parsed one pair at a time, after all were written,
 * and only here, in a thread of their own: a parsed snapshot in the measured heap would be
 * measured.
 */
export function analyse(request: AnalysisRequest): AnalysisResult {
  const started = performance.now()
  const phases: PhaseAnalysis[] = []
  // The snapshot between the variants ends one phase and starts the next: parse it once.
  const graphs = new Map<string, HeapGraph>()
  const graph = (file: string) => graphs.get(file) ?? graphs.set(file, readHeapGraph(file)).get(file)!
  request.phases.forEach((phase, index) => {
    const objects = findNewObjects(graph(phase.before), graph(phase.after))
    const groups: ExplainedGroup[] = objects.groups.map((group) => ({ ...group }))
    const collections = confirmGrowing(graph(phase.before), graph(phase.after), phase.collections ?? [])
    // A graph no later phase reads is let go before explaining, which builds indexes of its own over
    // `after`: a large snapshot's graph is most of the analysis' memory.
    const later = request.phases.slice(index + 1)
    if (!later.some((next) => next.before === phase.before || next.after === phase.before)) graphs.delete(phase.before)
    const instances: ExplainedGroup[] = objects.instances.map((group) => ({ ...group }))
    if (request.explain) {
      // The groups a message shows, and the instances folded out of sight (an objects limit names them).
      const folded = instances.filter((instance) => !groups.some((group) => group.name === instance.name))
      const shown = [...groups.slice(0, EXPLAINED_GROUPS), ...folded.slice(0, EXPLAINED_GROUPS)]
      const ids = [...shown.flatMap((group) => group.sampleIds.slice(0, 1)), ...collections.slice(0, EXPLAINED_GROUPS).map((c) => c.id)]
      const explained = explainObjects(graph(phase.after), ids)
      for (const collection of collections) {
        const path = explained.get(collection.id)?.path
        if (path) collection.path = path
      }
      for (const group of shown) {
        const sample = explained.get(group.sampleIds[0]!)
        if (sample) group.sample = sample
      }
    }
    for (const instance of instances) {
      const sample = groups.find((group) => group.name === instance.name)?.sample ?? instance.sample
      if (sample) instance.sample = sample
    }
    phases.push({ name: phase.name, groups, bytes: objects.bytes, collections, instances })
  })
  return { phases, durationMs: performance.now() - started }
}
