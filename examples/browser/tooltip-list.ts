/// <reference lib="dom" />
// A small UI component in plain DOM: a list of items, each with a tooltip when the feature is on.
// Mounted and unmounted per cycle by the memory checks; the feature under budget is `tooltips`.

export interface ListView {
  update(items: number): void
  unmount(): void
}

export interface ListOptions {
  tooltips: boolean
}

/** Mounts a list into `parent`. Everything it adds (nodes, listeners) goes on unmount. */
export function mountList(parent: HTMLElement, { tooltips }: ListOptions): ListView {
  const root = document.createElement('ul')
  root.className = 'list'
  parent.append(root)
  const controller = new AbortController()
  // One listener for the window, removed with everything else through the controller's signal.
  window.addEventListener('resize', () => root.classList.toggle('narrow', window.innerWidth < 400), { signal: controller.signal })

  function render(count: number) {
    root.replaceChildren()
    for (let i = 0; i < count; i++) {
      const item = document.createElement('li')
      item.textContent = `item ${i}`
      if (tooltips) attachTooltip(item, `about item ${i}`, controller.signal)
      root.append(item)
    }
  }

  return {
    update: render,
    unmount() {
      controller.abort()
      root.remove()
    },
  }
}

/** A tooltip shown while the pointer is over `target`. */
function attachTooltip(target: HTMLElement, text: string, signal: AbortSignal): void {
  const tip = document.createElement('div')
  tip.className = 'tooltip'
  tip.textContent = text
  target.addEventListener('pointerenter', () => target.append(tip), { signal })
  target.addEventListener('pointerleave', () => tip.remove(), { signal })
}
