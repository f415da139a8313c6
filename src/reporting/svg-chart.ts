import { formatRate, formatSignedSize, formatSize } from '../budgets/sizes.ts'
import { afterWhich, type ReportCheck } from './report-model.ts'

/**
 * A line chart of the post-GC heap after every cycle, as a plain SVG string: no browser, no canvas,
 * no fonts to embed. Rendered by GitHub through <img>, so it uses nothing but shapes and text, sets
 * its own white background (dark themes) and draws every series on one cycle axis: a leak is a
 * line that climbs, a clean variant a flat one, side by side.
 *
 * The y axis is relative to the first reading of the first series (its absolute size is in the axis
 * title): a worker heap is ~10 MB, and absolute tick labels would all read "10.2 MB".
 */

export interface ChartSeries {
  label: string
  /** Post-GC bytes: before the first measured cycle, then after every `callsPerReading` cycles. */
  readings: readonly number[]
  /** Cycles between two readings (default 1). */
  callsPerReading?: number
  /** Growth per cycle, for the legend. */
  perCycle?: number
  color: string
}

export interface ChartInput {
  title: string
  series: ChartSeries[]
}

export const COLORS = { baseline: '#4e79a7', candidate: '#f28e2b', block: '#4e79a7' } as const

const WIDTH = 640
const HEIGHT = 300
const PLOT = { left: 84, right: WIDTH - 24, top: 62, bottom: HEIGHT - 50 }
/**
 * Least span of the y axis: a clean variant moves by a few hundred bytes between cycles, which
 * across a full-height axis would look like a saw blade. 4 kB keeps it flat; a leak of 1 kB a
 * cycle over 20 cycles still spans the axis five times over.
 */
const MIN_SPAN = 4000
/** Past this many points, markers would merge into the line. */
const MAX_MARKERS = 60

/** The chart of one check: baseline and candidate, or the block of toLeakMemory. */
export function chartOf(check: ReportCheck): ChartInput {
  const series: ChartSeries[] = []
  const every = { callsPerReading: check.callsPerReading ?? 1 }
  if (check.baseline) series.push({ label: 'baseline (without)', readings: check.baseline.readings, perCycle: check.baseline.growth.perCycle, color: COLORS.baseline, ...every })
  if (check.candidate) series.push({ label: 'candidate (with)', readings: check.candidate.readings, perCycle: check.candidate.growth.perCycle, color: COLORS.candidate, ...every })
  if (check.block) series.push({ label: 'block', readings: check.block.readings, perCycle: check.block.growth.perCycle, color: COLORS.block, ...every })
  const name = check.budget === undefined ? 'toLeakMemory' : `"${check.budget}"`
  return { title: `${name}: post-GC heap after ${afterWhich(check)}`, series }
}

export function renderChart({ title, series }: ChartInput): string {
  const drawn = series.filter((s) => s.readings.length > 0)
  const reference = drawn[0]?.readings[0] ?? 0
  const values = drawn.flatMap((s) => s.readings.map((reading) => reading - reference))
  const y = yScale(values.length ? Math.min(...values) : 0, values.length ? Math.max(...values) : 0)
  // The axis counts cycles: a series read every k cycles puts its readings k apart.
  const points = Math.max(2, ...drawn.map((s) => (s.readings.length - 1) * (s.callsPerReading ?? 1) + 1))
  const x = (cycle: number) => PLOT.left + (cycle / (points - 1)) * (PLOT.right - PLOT.left)

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escape(title)}" font-family="-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escape(title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="22" font-size="14" font-weight="600" fill="#1f2328">${escape(title)}</text>`,
  ]
  // Legend: a swatch, the label and the growth per cycle of each series.
  let legendX = PLOT.left
  for (const s of drawn) {
    const text = s.perCycle === undefined ? s.label : `${s.label}: ${formatRate(s.perCycle)}`
    parts.push(`<line x1="${legendX}" y1="40" x2="${legendX + 18}" y2="40" stroke="${s.color}" stroke-width="3"/>`)
    parts.push(`<text x="${legendX + 24}" y="44" fill="#1f2328">${escape(text)}</text>`)
    legendX += 24 + text.length * 6.6 + 24
  }
  // Grid and y ticks.
  for (const tick of y.ticks) {
    const ty = num(y.at(tick))
    parts.push(`<line x1="${PLOT.left}" y1="${ty}" x2="${PLOT.right}" y2="${ty}" stroke="${tick === 0 ? '#8c959f' : '#d8dee4'}" stroke-width="1"/>`)
    parts.push(`<text x="${PLOT.left - 8}" y="${num(y.at(tick) + 4)}" text-anchor="end" fill="#57606a">${escape(tick === 0 ? '0 B' : formatSignedSize(tick))}</text>`)
  }
  // x ticks: cycle numbers, 0 being the reading before the first measured cycle.
  for (const cycle of cycleTicks(points - 1)) {
    const tx = num(x(cycle))
    parts.push(`<line x1="${tx}" y1="${PLOT.bottom}" x2="${tx}" y2="${PLOT.bottom + 5}" stroke="#8c959f" stroke-width="1"/>`)
    parts.push(`<text x="${tx}" y="${PLOT.bottom + 19}" text-anchor="middle" fill="#57606a">${cycle}</text>`)
  }
  parts.push(`<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#8c959f" stroke-width="1"/>`)
  parts.push(`<text x="${num((PLOT.left + PLOT.right) / 2)}" y="${HEIGHT - 12}" text-anchor="middle" fill="#57606a">cycle</text>`)
  const yTitle = `post-GC heap vs. first reading (${formatSize(reference)})`
  const yMid = num((PLOT.top + PLOT.bottom) / 2)
  parts.push(`<text x="16" y="${yMid}" text-anchor="middle" transform="rotate(-90 16 ${yMid})" fill="#57606a">${escape(yTitle)}</text>`)
  // The series last, over the grid.
  for (const s of drawn) {
    const coordinates = s.readings.map((reading, i) => `${num(x(i * (s.callsPerReading ?? 1)))},${num(y.at(reading - reference))}`)
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round" points="${coordinates.join(' ')}"/>`)
    if (s.readings.length <= MAX_MARKERS) {
      for (const coordinate of coordinates) {
        const [cx, cy] = coordinate.split(',')
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${s.color}"/>`)
      }
    }
  }
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

interface YScale {
  ticks: number[]
  at(value: number): number
}

/** A y axis over [min, max], at least MIN_SPAN tall, with ticks at 1, 2 or 5 x 10^k bytes. */
function yScale(min: number, max: number): YScale {
  if (max - min < MIN_SPAN) {
    const middle = (min + max) / 2
    ;[min, max] = [middle - MIN_SPAN / 2, middle + MIN_SPAN / 2]
  }
  const step = niceStep((max - min) / 5)
  const low = Math.floor(min / step) * step
  const high = Math.ceil(max / step) * step
  const ticks: number[] = []
  for (let tick = low; tick <= high + step / 2; tick += step) ticks.push(Math.round(tick))
  return { ticks, at: (value) => PLOT.bottom - ((value - low) / (high - low)) * (PLOT.bottom - PLOT.top) }
}

/** The smallest of 1, 2, 5 x 10^k at least `raw`. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)))
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power
  return 10 * power
}

/** Cycle numbers to label: every cycle up to 10, then at a nice step. */
function cycleTicks(last: number): number[] {
  const step = last <= 10 ? 1 : niceStep(last / 10)
  const ticks: number[] = []
  for (let cycle = 0; cycle <= last; cycle += step) ticks.push(cycle)
  return ticks
}

function num(value: number): string {
  return String(Math.round(value * 10) / 10)
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
