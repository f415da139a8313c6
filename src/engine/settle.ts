import { ownSetImmediate } from './own-timers.ts'

function nextImmediate(resolve: () => void): void {
  ownSetImmediate(resolve)
}

/**
 * Lets work the block left queued finish before the heap is read: pending microtasks run before the
 * first immediate, and immediates queued by immediates run by the second. Timers are the block's
 * own business: a pending timer is memory the block holds. The immediate is Node's own, taken before
 * any test ran: a faked or patched global one would never fire (own-timers.ts).
 */
export async function settle(): Promise<void> {
  await new Promise<void>(nextImmediate)
  await new Promise<void>(nextImmediate)
}
