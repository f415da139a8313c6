// memlab is an optional peer: it brings retained sizes (dominator tree) and retainer paths. It is
// loaded only in the analysis thread, never in the measured isolate (it adds ~20 MB and loads
// puppeteer), and verdicts never depend on it.

export interface Explanation {
  /** Bytes the object keeps alive (its dominator subtree). */
  retainedSize: number
  /** Shortest path from the GC roots, e.g. `(global) -> __client: TelemetryClient -> queue: Array -> [19]: TelemetryEvent`. */
  path: string
}

export type MemlabState = 'used' | 'not installed' | 'not needed'

/** Set by the integration tests to run the analysis as it goes where memlab is not installed. */
const DISABLE_ENV = 'VITEST_MEMORY_BUDGET_WITHOUT_MEMLAB'

/** memlab's path step: a node, and the edge from it to the next step's node. */
interface PathItem {
  node?: { name: string; type: string; id: number }
  edge?: { name_or_index: string | number; type: string }
  next?: PathItem
}

interface MemlabHeap {
  getNodeById(id: number): { retainedSize: number } | null
}

interface Memlab {
  core: {
    config: { muteConsole: boolean }
    analysis: { preparePathFinder(heap: MemlabHeap): { getPathToGCRoots(heap: MemlabHeap, node: unknown): PathItem | undefined } }
  }
  heapAnalysis: { getFullHeapFromFile(file: string): Promise<MemlabHeap> }
}

async function loadMemlab(): Promise<Memlab | undefined> {
  if (process.env[DISABLE_ENV]) return undefined
  try {
    // Both are CommonJS: `default` is their module.exports on every Node. Named imports are guessed
    // from their source, and Node finds `config` and `analysis` of @memlab/core only from Node 24.
    const core = ((await import('@memlab/core')) as unknown as { default: Memlab['core'] }).default
    const heapAnalysis = ((await import('@memlab/heap-analysis')) as unknown as { default: Memlab['heapAnalysis'] }).default
    // memlab reports its progress on the console; the test run's output is not the place.
    core.config.muteConsole = true
    return { core, heapAnalysis }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined
    throw error
  }
}

/**
 * Retained sizes and retainer paths of the given objects of one snapshot, by id. Returns
 * `not installed` and no explanations when memlab is missing.
 */
export async function explainObjects(file: string, ids: number[]): Promise<{ state: MemlabState; explanations: Map<number, Explanation> }> {
  const explanations = new Map<number, Explanation>()
  if (ids.length === 0) return { state: 'not needed', explanations }
  const memlab = await loadMemlab()
  if (!memlab) return { state: 'not installed', explanations }
  const heap = await memlab.heapAnalysis.getFullHeapFromFile(file)
  const finder = memlab.core.analysis.preparePathFinder(heap)
  for (const id of ids) {
    const node = heap.getNodeById(id)
    if (!node) continue
    const path = finder.getPathToGCRoots(heap, node)
    explanations.set(id, { retainedSize: node.retainedSize, path: path ? formatPath(path) : '(no path from the GC roots)' })
  }
  return { state: 'used', explanations }
}

/**
 * One line a person can follow. The shortest path from the GC roots often runs through the
 * harness (the measuring loop's suspended frame holds the block, whose scope holds the data): the
 * line starts at the last closure scope on the path, or at the first object that is not V8's own.
 * Scopes show as the variable that holds the next object; strings show a short excerpt.
 */
export function formatPath(path: PathItem): string {
  const items: PathItem[] = []
  for (let item: PathItem | undefined = path; item; item = item.next) if (item.node) items.push(item)
  const lastScope = items.findLastIndex((item, i) => item.node!.type === 'closure' && isScope(items[i + 1]))
  const firstOwn = items.findIndex((item) => !isInternal(item))
  const start = lastScope >= 0 ? lastScope : Math.max(0, firstOwn)
  const steps: string[] = []
  for (let i = start; i < items.length; i++) {
    const item = items[i]!
    // A scope is shown by the variable that holds the next object, not by a name of its own.
    if (i > start && isScope(item)) continue
    // memlab puts on each item the edge to the next one, so the edge into this item is on the one
    // before (for an item after a scope: the scope's variable).
    const edge = i > start ? items[i - 1]!.edge : undefined
    const via = edge === undefined ? '' : edge.type === 'element' || typeof edge.name_or_index === 'number' ? `[${edge.name_or_index}]` : String(edge.name_or_index)
    steps.push(via ? `${via}: ${nodeLabel(item)}` : nodeLabel(item))
  }
  return steps.join(' -> ')
}

function nodeLabel(item: PathItem): string {
  const { name, type } = item.node!
  if (type === 'closure') return `(closure)${name ? ` ${name}` : ''}`
  if (type.includes('string')) return `(string) ${JSON.stringify(name.length > 24 ? `${name.slice(0, 21)}...` : name)}`
  return name || `(${type})`
}

function isScope(item: PathItem | undefined): boolean {
  return item?.node?.name === 'system / Context'
}

function isInternal(item: PathItem): boolean {
  const { name, type } = item.node!
  return type === 'synthetic' || type === 'hidden' || type === 'array' || name.startsWith('system /')
}

export const MEMLAB_HINT =
  'install @memlab/core and @memlab/heap-analysis (dev dependencies; set PUPPETEER_SKIP_DOWNLOAD=1) for retained sizes and retainer paths'
