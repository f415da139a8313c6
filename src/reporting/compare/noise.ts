import { NOISE_FLOOR, ONE_TIME_FLOOR } from '../../verdict/judge.ts'
import type { Figure, FigureKey } from './figures.ts'

/**
 * Least difference of each figure that can be a change, whatever the intervals say: two runs are two
 * processes, often two machines, and some of what differs between them is in no run's interval.
 * - retained, peak: ONE_TIME_FLOOR (4 kB). Heap snapshots' exact figures carry no uncertainty, yet
 *   V8's own first-use tables differ between processes by a kB or two (a clean budget's retained
 *   read 844 to 1,160 B over 800 runs, bench/RESULTS.md; a cache's 14.3 to 16.3 kB over 20); the
 *   judge takes the same 4 kB as the least one-time cost it believes.
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
 * How many times the combined 95% reach of two runs' figures a difference must exceed to be a
 * change. Between processes a figure moves by about what its interval says, and the largest of many
 * pairs moves by much more: twenty runs of one unchanged suite serialising telemetry events
 * (outside the repository) read a 147 kB/cycle extra allocation from 141.7 to 151.3 kB (standard
 * deviation 2.1 kB, the sampler's own 1.9 kB), its two farthest runs 9.6 kB apart against ±3.8 kB
 * intervals each: 0.89 of twice their combined reach, 0.59 of three times. A report compares many
 * checks on every pull request, so twice leaves too little margin. `npm run bench:compare` (twenty
 * base runs of fixtures/suites/compare, 190 pairs) saw no change, the closest figure at 0.36 of
 * three times, and 200 KiB/cycle more allocated and 50 kB more retained read as changes in all 60
 * base-head pairs. The judge saw the same of retained memory: 472 B between two runs against a
 * ±455 B interval (judge.ts's paidOnceBeyondNoise).
 */
export const NOISE_MULTIPLE = 3

/**
 * A browser page's retained figure moves between runs by more than its run can see: the page's heap
 * is read whole, code spaces included (the protocol cannot tell them apart), so whether V8 compiled
 * a feature's function once more before the candidate's end reads as kilobytes retained, the same in
 * every cycle of that run (its interval ±0). A new user's trial of an unchanged check read it in two
 * bands, 25 and 35 kB, over six runs (Vitest 5), and 15.6 kB against -7.8 kB over five (Vitest 4.1):
 * 23 kB apart. Twice that is the least change a page's retained memory can show.
 */
export const PAGE_RETAINED_FLOOR = 48 * 1000

/**
 * How far two runs' figures may differ by noise alone: NOISE_MULTIPLE times the combined reach of
 * their 95% intervals towards each other, and at least the figure's floor. The side of each
 * interval that faces the other figure counts (Theil-Sen and the peak's intervals are not
 * symmetric). A change within this reads "unchanged": a pull request that changes nothing must
 * never show a change, and one that does by less than the runs can tell is not told apart.
 */
export function noiseBetween(base: Figure, head: Figure): number {
  const rising = head.value >= base.value
  const reach = Math.hypot(rising ? base.above : base.below, rising ? head.below : head.above)
  return Math.max(NOISE_FLOORS[base.key], base.floor ?? 0, head.floor ?? 0, NOISE_MULTIPLE * reach)
}

/** Whether head differs from base beyond noise, and which way. */
export function changeOf(base: Figure, head: Figure, noise = noiseBetween(base, head)): 'unchanged' | 'increased' | 'decreased' {
  const delta = head.value - base.value
  if (Math.abs(delta) <= noise) return 'unchanged'
  return delta > 0 ? 'increased' : 'decreased'
}
