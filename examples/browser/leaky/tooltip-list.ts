/// <reference lib="dom" />
// THE LEAKY TWIN of ../tooltip-list.ts, which leaks ON PURPOSE, in two ways front-end code often does:
// a cache of tooltips by text that outlives the list (detached nodes), and a window listener added
// on mount and never removed.
import type { ListOptions, ListView } from '../tooltip-list.ts'

const tooltipCache = new Map<string, HTMLElement>()
let mounts = 0

export function mountList(parent: HTMLElement, { tooltips }: ListOptions): ListView {
  const root = document.createElement('ul')
  root.className = 'list'
  parent.append(root)
  const mount = ++mounts
  window.addEventListener('resize', () => root.classList.toggle('narrow', window.innerWidth < 400))

  function render(count: number) {
    root.replaceChildren()
    for (let i = 0; i < count; i++) {
      const item = document.createElement('li')
      item.textContent = `item ${i}`
      if (tooltips) attachTooltip(item, `about item ${i} of list ${mount}`)
      root.append(item)
    }
  }

  return { update: render, unmount: () => root.remove() }
}

function attachTooltip(target: HTMLElement, text: string): void {
  let tip = tooltipCache.get(text)
  if (!tip) {
    tip = document.createElement('div')
    tip.className = 'tooltip'
    tip.textContent = text
    tooltipCache.set(text, tip)
  }
  const shown = tip
  target.addEventListener('pointerenter', () => target.append(shown))
  target.addEventListener('pointerleave', () => shown.remove())
}
