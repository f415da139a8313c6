import { NOISE_FLOOR, ONE_TIME_FLOOR } from '../../verdict/judge.ts'
import type { Figure, FigureKey } from './figures.ts'

/**
 * Least difference of each figure that can be a change, whatever the intervals say: two runs are two
 * processes, often two machines, and some of what differs between them is in no run's interval.
 * - retained, peak: ONE_TIME_FLOOR (4 kB). Heap snapshots' exact figures carry no uncertainty, yet
 *   V8's own first-use tables differ between processes by a kB or so (a clean budget's retained
 *   read 844 to 1,160 B over 800 runs, bench/RESULTS.md); the judge takes the same 4 kB as the
 *   least one-time cost it believes.
 * - leak: NOISE_FLOOR (64 B/cycle), under which the judge never calls growth a leak: V8's own
 *   bookkeeping grows by tens of bytes a cycle in a fresh worker.
 * - allocated, direct: 1 kB/cycle, two samples a cycle at the default 512 B interval: the sampler
 *   cannot place less, and a block's volume varies by about that between processes (bench's worst
 *   run of a 100 kB/cycle block read 2.4% over).
 * - objects: 1 more or fewer: a one-off object (a pool swapped, a cache entry) may land in one run's
 *   snapshots and not the other's; growth every cycle moves counts by the cycles.
 */
export const NOISE_FLOORS: Readonly<Record<FigureKey, number>> = {
  retained: ONE_TIME_FLOOR,
  peak: ONE_TIME_FLOOR,
  leak: NOISE_FLOOR,
  allocated: 1024,
  direct: 1024,
  objects: 1,
}

/**
 * How far two runs' figures may differ by noise alone: twice the combined reach of their 95%
 * intervals towards each other, and at least the figure's floor.
 *
 * Twice, because two runs differ by more than one run's interval says: the judge found a block's
 * second run 472 B from its first against a ±455 B interval (judge.ts, paidOnceBeyondNoise), and
 * one run's interval leaves out what differs between processes (inlining, GC timing). The side of
 * each interval that faces the other figure counts (Theil-Sen and the peak's intervals are not
 * symmetric). A change within this reads "unchanged": a pull request that changes nothing must
 * never show a change, and one that does by less than the runs can tell is not told apart.
 */
export function noiseBetween(base: Figure, head: Figure): number {
  const rising = head.value >= base.value
  const reach = Math.hypot(rising ? base.above : base.below, rising ? head.below : head.above)
  return Math.max(NOISE_FLOORS[base.key], 2 * reach)
}

/** Whether head differs from base beyond noise, and which way. */
export function changeOf(base: Figure, head: Figure, noise = noiseBetween(base, head)): 'unchanged' | 'increased' | 'decreased' {
  const delta = head.value - base.value
  if (Math.abs(delta) <= noise) return 'unchanged'
  return delta > 0 ? 'increased' : 'decreased'
}
