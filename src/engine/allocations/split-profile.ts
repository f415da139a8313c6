import type { SamplingProfile } from './sampling.ts'
import type { ProfileCallFrame, ProfileNode } from './sites.ts'

/**
 * One sampling session for both variants, cut in two afterwards at a marker. Stopping the sampler
 * builds its profile as a JS object in the measured isolate (tens of MB for a busy block); a stop
 * between the variants would make the candidate start on a young generation that parsing had grown
 * (seen: the semi-space from 2 to 8 MB, and +6 MB of peak on a block identical in both variants).
 * So the sampler runs across both, the engine allocates a marker between them, and the profile is
 * read once, at the end, and divided by its samples' ordinals (time order) around the marker's.
 */

export interface ProfileHalves {
  /** Samples before the marker, as a tree: the baseline's. */
  before: ProfileNode
  /** Samples after the marker: the candidate's. */
  after: ProfileNode
  /** How many samples each half holds. */
  samplesBefore: number
  samplesAfter: number
}

/**
 * Cuts `profile` at the samples made at or under a frame `isMarker` accepts: earlier samples go to
 * `before`, later ones to `after`, the marker's own (and anything between its first and last) to
 * neither. Each half is the profile's tree with selfSize cut down to that half's part, and
 * branches without any bytes left out. Throws when no sample lies under a marker frame.
 *
 * The tree's selfSize is V8's unbiased estimate: per node and object size, the sample count times
 * 1 / (1 - exp(-size / interval)), rounded once. A sample's `size` in the protocol is not its
 * object's size but size x round(that factor), rounded one sample at a time
 * (SamplingHeapProfiler::GetSamples): 1 KB objects at interval 1024 each report 2048 where 1620 is
 * due, and summing samples reads 26% high. So each node's selfSize is divided between the halves
 * in proportion to their samples' reported sizes: exact when the node's objects are of one size
 * (the rounding cancels), close when sizes mix.
 */
export function splitProfile(profile: SamplingProfile, isMarker: (frame: ProfileCallFrame) => boolean): ProfileHalves {
  const markerNodes = new Set<number>()
  const pending: { node: ProfileNode; underMarker: boolean }[] = [{ node: profile.head, underMarker: false }]
  while (pending.length > 0) {
    const { node, underMarker } = pending.pop()!
    const marked = underMarker || isMarker(node.callFrame)
    if (marked) markerNodes.add(nodeId(node))
    for (const child of node.children) pending.push({ node: child, underMarker: marked })
  }
  let first = Infinity
  let last = -Infinity
  for (const sample of profile.samples) {
    if (!markerNodes.has(sample.nodeId)) continue
    first = Math.min(first, sample.ordinal)
    last = Math.max(last, sample.ordinal)
  }
  if (first === Infinity) {
    throw new Error('vitest-memory-budget: the allocation profile holds no sample of the marker between the variants; cannot tell them apart.')
  }
  // Reported sample bytes per node: in each half, and in all (the marker's and those between included).
  const all = new Map<number, number>()
  const before = new Map<number, number>()
  const after = new Map<number, number>()
  let samplesBefore = 0
  let samplesAfter = 0
  for (const sample of profile.samples) {
    all.set(sample.nodeId, (all.get(sample.nodeId) ?? 0) + sample.size)
    if (markerNodes.has(sample.nodeId) || (sample.ordinal >= first && sample.ordinal <= last)) continue
    const half = sample.ordinal < first ? before : after
    if (half === before) samplesBefore++
    else samplesAfter++
    half.set(sample.nodeId, (half.get(sample.nodeId) ?? 0) + sample.size)
  }
  return {
    before: rebuild(profile.head, before, all) ?? empty(profile.head),
    after: rebuild(profile.head, after, all) ?? empty(profile.head),
    samplesBefore,
    samplesAfter,
  }
}

function nodeId(node: ProfileNode): number {
  if (node.id === undefined) throw new Error('vitest-memory-budget: allocation profile node without an id')
  return node.id
}

/**
 * The subtree of `node` with each selfSize scaled to the half's part of the node's reported sample
 * bytes (`half` over `all`), or undefined when it holds no bytes at all.
 */
function rebuild(node: ProfileNode, half: ReadonlyMap<number, number>, all: ReadonlyMap<number, number>): ProfileNode | undefined {
  const children: ProfileNode[] = []
  for (const child of node.children) {
    const kept = rebuild(child, half, all)
    if (kept) children.push(kept)
  }
  const id = nodeId(node)
  const part = half.get(id) ?? 0
  const selfSize = part === 0 ? 0 : (node.selfSize * part) / all.get(id)!
  if (selfSize === 0 && children.length === 0) return undefined
  return { callFrame: node.callFrame, selfSize, id, children }
}

function empty(head: ProfileNode): ProfileNode {
  return { callFrame: head.callFrame, selfSize: 0, id: nodeId(head), children: [] }
}
