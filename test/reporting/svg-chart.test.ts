import { describe, expect, test } from 'vitest'
import { buildReport, type ReportEnvironment } from '../../src/reporting/report-model.ts'
import { chartOf, COLORS, niceStep, renderChart } from '../../src/reporting/svg-chart.ts'
import { budgetCheck, leakCheck } from '../helpers/check-records.ts'

const environment: ReportEnvironment = { node: 'v24', v8: '13', os: 'Linux', arch: 'x64', cpu: 'cpu', cpus: 2, memory: 1, vitest: '5', pools: [], ci: false }

function checkOf(record: ReturnType<typeof budgetCheck>) {
  return buildReport([{ file: 'a.test.ts', test: 'a test', record }], { root: '/project', createdAt: new Date(0), environment, version: '0' }).checks[0]!
}

/** Every element, in order, checked to open and close in a proper nesting: XML enough for an <img>. */
function elements(svg: string): Array<{ name: string; attributes: Record<string, string> }> {
  const found: Array<{ name: string; attributes: Record<string, string> }> = []
  const open: string[] = []
  let tags = 0
  for (const match of svg.matchAll(/<(\/?)([a-z]+)((?:\s+[a-zA-Z0-9:-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    const [, closing, name, attributeText, selfClosing] = match
    tags++
    if (closing) {
      expect(open.pop()).toBe(name)
      continue
    }
    const attributes = Object.fromEntries([...attributeText!.matchAll(/([a-zA-Z0-9:-]+)="([^"]*)"/g)].map(([, key, value]) => [key!, value!]))
    found.push({ name: name!, attributes })
    if (!selfClosing) open.push(name!)
  }
  expect(open).toEqual([])
  // Every '<' starts a well-formed tag; outside tags, every '&' starts an entity.
  expect(svg.split('<').length - 1).toBe(tags)
  expect(svg.replace(/<[^>]*>/g, '')).not.toMatch(/&(?!#\d+;)/)
  return found
}

function points(polyline: { attributes: Record<string, string> }): Array<[number, number]> {
  return polyline.attributes.points!.split(' ').map((pair) => pair.split(',').map(Number) as [number, number])
}

describe('renderChart', () => {
  test('a budget check: an SVG with a title, a white background and two lines, baseline and candidate', () => {
    const svg = renderChart(chartOf(checkOf(budgetCheck({ candidate: 2060 }))))
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300" viewBox="0 0 640 300"')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    const all = elements(svg)
    expect(all[0]!.name).toBe('svg')
    expect(all[1]!.name).toBe('title')
    expect(all.find((e) => e.name === 'rect')!.attributes.fill).toBe('#ffffff')
    const lines = all.filter((e) => e.name === 'polyline')
    expect(lines.map((line) => line.attributes.stroke)).toEqual([COLORS.baseline, COLORS.candidate])
    expect(lines.map((line) => points(line).length)).toEqual([21, 21])
    expect(svg).toContain('baseline (without): 0 B/cycle</text>')
    expect(svg).toContain('candidate (with): 2.06 kB/cycle</text>')
  })

  test('a check read every second cycle: its readings stand two cycles apart on the same cycle axis', () => {
    const every = readEvery2nd(leakCheck(500))
    const [line] = elements(renderChart(chartOf(checkOf(every)))).filter((e) => e.name === 'polyline').map(points)
    const [full] = elements(renderChart(chartOf(checkOf(leakCheck(500))))).filter((e) => e.name === 'polyline').map(points)
    expect(line).toHaveLength(11)
    expect(renderChart(chartOf(checkOf(every)))).toContain('<title>toLeakMemory: post-GC heap after every 2nd cycle</title>')
    // Reading i of 11 sits where cycle 2i does on the chart of 21 readings, at the same height.
    expect(line!.map(([x]) => x)).toEqual(full!.filter((_, cycle) => cycle % 2 === 0).map(([x]) => x))
    expect(line!.map(([, y]) => y)).toEqual(full!.filter((_, cycle) => cycle % 2 === 0).map(([, y]) => y))
  })

  test('a leak climbs (y falls on screen, cycle after cycle) while a flat variant stays level', () => {
    const svg = renderChart(chartOf(checkOf(budgetCheck({ candidate: 2060 }))))
    const [baseline, candidate] = elements(svg).filter((e) => e.name === 'polyline').map(points)
    const ys = candidate!.map(([, y]) => y)
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeLessThan(ys[i - 1]!)
    expect(new Set(baseline!.map(([, y]) => y)).size).toBe(1)
    const xs = candidate!.map(([x]) => x)
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]!)
  })

  test('a toLeakMemory check has one line, the block', () => {
    const svg = renderChart(chartOf(checkOf(leakCheck(1024, { over: true }))))
    const lines = elements(svg).filter((e) => e.name === 'polyline')
    expect(lines).toHaveLength(1)
    expect(svg).toContain('toLeakMemory: post-GC heap after each cycle')
    expect(svg).toContain('block: 1.02 kB/cycle')
  })

  test('axes: sizes by pretty-bytes relative to the first reading, cycle numbers from 0', () => {
    const svg = renderChart(chartOf(checkOf(budgetCheck({ candidate: 2060 }))))
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => text)
    expect(texts).toEqual(expect.arrayContaining(['0 B', '+10 kB', '+20 kB', '+30 kB', '+40 kB', '+50 kB', 'cycle', '0', '2', '20']))
    expect(texts).toContain('post-GC heap vs. first reading (10.2 MB)')
  })

  test('a flat line is not blown up: the axis spans at least 4 kB', () => {
    const svg = renderChart({ title: 't', series: [{ label: 'block', readings: [1000, 1003, 1001, 1004], color: '#000' }] })
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => text)
    expect(texts).toEqual(expect.arrayContaining(['-2 kB', '0 B', '+2 kB']))
  })

  test('text is escaped', () => {
    const svg = renderChart({ title: '"a<b>" & c', series: [{ label: "it's", readings: [1, 2], color: '#000' }] })
    expect(svg).toContain('<title>&#34;a&#60;b&#62;&#34; &#38; c</title>')
    expect(svg).toContain('it&#39;s')
    elements(svg)
  })

  test.each([[0.3, 1], [1, 1], [1.5, 2], [3, 5], [7, 10], [800, 1000], [2100, 5000]])('niceStep(%d) = %d', (raw, step) => {
    expect(niceStep(raw)).toBe(step)
  })
})

/** The record as a check that read the heap after every second of its cycles would give it. */
function readEvery2nd(record: ReturnType<typeof leakCheck>): ReturnType<typeof leakCheck> {
  const block = record.block!
  return { ...record, callsPerReading: 2, block: { ...block, readings: block.readings.filter((_, cycle) => cycle % 2 === 0) } }
}
