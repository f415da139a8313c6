// Renders the example suite's markdown report in headless Chromium, the way a reader sees it, and
// checks that its charts are there and drawn. Run after the example suite has written its report
// (`npm run example`, or `npm test`, whose integration tests run it). Writes the page and a
// screenshot next to the report; with --publish, copies the whole report to
// the example's example-report/ so readers can see one without running anything. The example is
// examples/telemetry (the main one), or the folder given as the first argument.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { marked } from 'marked'

const example = path.resolve(process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'examples/telemetry')
const reportDir = path.join(example, 'memory-report')
const markdownFile = path.join(reportDir, 'memory-report.md')
const htmlFile = path.join(reportDir, 'memory-report.html')
const screenshot = path.join(reportDir, 'memory-report.png')
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'

function fail(message: string): never {
  process.stderr.write(`render-report: ${message}\n`)
  process.exit(1)
}

if (!existsSync(markdownFile)) fail(`no report at ${markdownFile}: run npm run example first`)
if (!existsSync(chromium)) fail(`no Chromium at ${chromium} (Debian: apt-get install chromium; or set CHROMIUM)`)

const body = await marked.parse(readFileSync(markdownFile, 'utf8'))
const style = 'body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:24px auto;padding:0 16px}' +
  'table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}img{max-width:100%}'
writeFileSync(htmlFile, `<!doctype html><html><head><meta charset="utf-8"><style>${style}</style></head><body>${body}</body></html>\n`)

// Every chart the page shows must exist and draw at least one line with points.
const charts = [...body.matchAll(/<img src="([^"]+\.svg)"/g)].map((match) => match[1]!)
if (charts.length === 0) fail('the rendered page shows no chart')
for (const chart of charts) {
  const file = path.join(reportDir, decodeURIComponent(chart))
  if (!existsSync(file) || statSync(file).size === 0) fail(`chart ${chart} is missing or empty`)
  const points = /<polyline[^>]*points="([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1]?.trim().split(/\s+/) ?? []
  if (points.length < 2) fail(`chart ${chart} draws no line`)
}

const profile = path.join(os.tmpdir(), `render-report-${process.pid}`)
try {
  execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--window-size=1100,2600', '--hide-scrollbars',
    `--screenshot=${screenshot}`, `file://${htmlFile}`,
  ], { stdio: 'pipe', timeout: 60_000 })
} finally {
  rmSync(profile, { recursive: true, force: true })
}
// A blank page compresses to a few kB; a page of tables and charts is far larger.
const size = existsSync(screenshot) ? statSync(screenshot).size : 0
if (size < 30_000) fail(`the screenshot is ${size} bytes: the page did not render`)
process.stdout.write(`render-report: ${charts.length} charts drawn; screenshot ${path.relative(process.cwd(), screenshot)} (${Math.round(size / 1024)} kB)\n`)

if (process.argv.includes('--publish')) {
  const target = path.join(example, 'example-report')
  rmSync(target, { recursive: true, force: true })
  mkdirSync(target)
  for (const file of readdirSync(reportDir)) copyFileSync(path.join(reportDir, file), path.join(target, file))
  process.stdout.write(`render-report: published to ${path.relative(process.cwd(), target)}\n`)
}
