// The repository's TypeScript program has Node's types, not the DOM's: the few calls made here.
interface DomNode {
  textContent: string | null
  appendChild(node: DomNode): DomNode
  remove(): void
}
declare const document: { createElement(tag: string): DomNode; readonly body: DomNode }

/** Keeps every node it renders, detached: the classic DOM leak (a list of rows no one removes). */
export function detachedRows() {
  const kept: DomNode[] = []
  return ({ enabled, cycle }: { enabled: boolean; cycle: number }) => {
    const row = document.createElement('div')
    row.textContent = `row ${cycle}`
    if (enabled) kept.push(row)
  }
}

/** Keeps one detached node per cycle whatever `enabled` says, for toLeakMemory. */
export function detachedNode() {
  const kept: DomNode[] = []
  return ({ cycle }: { cycle: number }) => {
    const node = document.createElement('span')
    node.textContent = String(cycle)
    kept.push(node)
  }
}

/** Renders rows into the document and removes them again: nothing stays (see fixtures/suites/dom/src/rows.ts). */
export function mountAndUnmount() {
  const body = document.body
  return ({ enabled, cycle }: { enabled: boolean; cycle: number }) => {
    const list = document.createElement('ul')
    for (let i = 0; i < (enabled ? 20 : 10); i++) {
      const item = document.createElement('li')
      item.textContent = `item ${cycle}.${i}`
      list.appendChild(item)
    }
    body.appendChild(list)
    list.remove()
  }
}
