import { formatRate, formatSignedSize, formatSize } from '../budgets/sizes.ts'
import { objectCycles, type Finding } from '../verdict/judge.ts'
import { EXCUSES, limitText, ofBaseline } from '../verdict/format-verdict.ts'
import type { VariantRecord } from './check-record.ts'
import { headline as runHeadline } from './check-rows.ts'
import { afterWhich, ordinal, type MemoryReport, type ReportCheck, type ReportEnvironment } from './report-model.ts'

/**
 * The report as GitHub-flavoured markdown that reads like a profiling write-up: the verdicts first,
 * then per check its figures side by side, its chart, what it left behind and what holds it, then
 * the machine. Only markdown (tables, code spans, relative image links): nothing GitHub strips.
 */

export interface MarkdownOptions {
  /**
   * Link each check's chart (relative, next to the markdown). Off for GitHub's step summary, where
   * relative images do not resolve.
   * @default true
   */
  charts?: boolean
  /**
   * Which checks get a section of their own: all, or those that did not pass (over, timed out, aborted).
   * @default 'all'
   */
  details?: 'all' | 'over'
  /** The "Changes since base" section (compare/render-markdown.ts), rendered: placed after the summary table. */
  comparison?: string
}

export function renderMarkdown(report: MemoryReport, options: MarkdownOptions = {}): string {
  const { charts = true, details = 'all' } = options
  const detailed = report.checks.filter((check) => details === 'all' || check.verdict !== 'within')
  const earlier = report.earlierAttempts ?? []
  const blocks = [
    '# Memory report',
    headline(report),
    ...(report.checks.length > 0 ? [summaryTable(report.checks, new Set(detailed))] : []),
    ...(options.comparison ? [options.comparison.trimEnd()] : []),
    ...(earlier.length > 0 ? [earlierAttemptsSection(earlier)] : []),
    ...detailed.map((check) => checkSection(check, charts)),
    environmentSection(report.environment, report.createdAt),
  ]
  return blocks.join('\n\n') + '\n'
}

/**
 * `**1 of 3 memory checks over budget**, 2 within (2 budgets checked, 1 leak check).`, the line the
 * terminal table ends with; a shard's report says it covers one shard.
 */
export function headline({ summary, shard }: MemoryReport): string {
  const { lead, rest } = runHeadline(summary)
  const part = shard ? ` This is shard ${shard.index} of ${shard.count}: \`vitest --merge-reports\` on the shards' blobs gives the whole run's report.` : ''
  return `**${lead}**${rest}${part}`
}

export const VERDICT_CELL: Record<ReportCheck['verdict'], string> = {
  within: '✅ within',
  over: '❌ **over**',
  'timed out': '⏱️ **timed out**',
  aborted: '⛔ **aborted**',
}

function summaryTable(checks: readonly ReportCheck[], detailed: ReadonlySet<ReportCheck>): string {
  const rows = checks.map((check) => {
    const name = checkName(check)
    return row([
      VERDICT_CELL[check.verdict],
      detailed.has(check) ? `[${name}](#${headingSlug(heading(check))})` : name,
      `${cell(check.file)} › ${cell(check.test)}`,
      check.matcher === 'toLeakMemory' ? `${check.cycles}` : `${check.cycles}+${check.cycles}`,
      retainedCell(check),
      growthCell(check),
      objectsCell(check),
    ])
  })
  return [row(['verdict', 'check', 'test', 'cycles', 'retained', 'leak/cycle', 'objects (top group)']), '| --- | --- | --- | ---: | ---: | ---: | --- |', ...rows].join('\n')
}

function retainedCell(check: ReportCheck): string {
  if (!check.retained) return '–'
  const finding = findingOf(check, 'retained')
  const figure = emphasise(formatSize(check.retained.bytes), finding?.over)
  const sure = check.retained.source === 'heap snapshots' ? 'exact' : `±${formatSize(check.retained.uncertainty)}`
  return `${figure} ${sure}${finding?.over ? ` > ${formatSize(finding.limit)}` : ''}`
}

function growthCell(check: ReportCheck): string {
  if (check.cut) return '–'
  const rate = (subject: 'baseline' | 'candidate' | 'block') => {
    const variant = check[subject]
    if (!variant) return '–'
    const over = check.findings.some((f) => f.key === 'leak' && f.subject === subject && f.over)
    return emphasise(formatSize(variant.growth.perCycle), over)
  }
  return check.block ? rate('block') : `${rate('baseline')} / ${rate('candidate')}`
}

function objectsCell(check: ReportCheck): string {
  const variant = check.candidate ?? check.block
  const top = variant?.objects?.groups[0]
  if (!top) return '–'
  const over = check.findings.some((f) => (f.key === 'objects' || f.key === 'objectLeak') && f.over && f.group?.name === top.name)
  return emphasise(`${cell(top.name)} ×${top.count}`, over)
}

/** The heading of a check's section; the summary links to it by GitHub's anchor for it. */
function heading(check: ReportCheck): string {
  const number = check.id.split('-')[0]
  const verdict = check.verdict === 'over' || check.verdict === 'within' ? `${check.verdict} budget` : check.verdict
  return check.budget === undefined ? `${number}. toLeakMemory: ${verdict}` : `${number}. Budget ${cell(JSON.stringify(check.budget))}: ${verdict}`
}

function checkSection(check: ReportCheck, charts: boolean): string {
  if (check.cut) return [`## ${heading(check)}`, context(check), cutText(check.verdict, check.cut)].join('\n\n')
  const parts = [`## ${heading(check)}`, context(check), figuresTable(check)]
  if (check.skipped) parts.push(`**Left out**: ${cell(check.skipped)}.`)
  if (charts && check.chart) parts.push(`![${chartAlt(check)}](${check.chart})`)
  parts.push(findingList(check))
  const objects = objectsTable(check)
  if (objects) parts.push('### Objects left behind', objects)
  const sites = sitesSection(check)
  if (sites) parts.push(sites)
  return parts.join('\n\n')
}

/** `**Timed out**: the test timed out, in candidate cycle 3 of 5 (…). No figures: …` */
function cutText(verdict: ReportCheck['verdict'], cut: NonNullable<ReportCheck['cut']>): string {
  const where = cut.where ? `, in ${cell(cut.where)}` : ''
  return `**${verdict[0]!.toUpperCase()}${verdict.slice(1)}**: ${cell(cut.reason)}${where}. No figures: the check stopped before its verdict.`
}

/** The checks of attempts that Vitest retried, apart from the run's checks. */
function earlierAttemptsSection(checks: readonly ReportCheck[]): string {
  const rows = checks.map((check) => row([
    VERDICT_CELL[check.verdict].replace(/\*\*/g, ''),
    checkName(check),
    `${cell(check.file)} › ${cell(check.test)}`,
    String((check.attempt?.retry ?? 0) + 1),
    retainedCell(check),
    growthCell(check),
    check.cut ? cell(check.cut.reason) : objectsCell(check),
  ]))
  return [
    '## Earlier attempts of retried tests',
    `Not counted above: a retried test reports the checks of its final attempt. ${checks.length === 1 ? 'This check' : `These ${checks.length} checks`} came from attempts that failed and ran again.`,
    [row(['verdict', 'check', 'test', 'attempt', 'retained', 'leak/cycle', 'objects (top group)']), '| --- | --- | --- | ---: | ---: | ---: | --- |', ...rows].join('\n'),
  ].join('\n\n')
}

function context(check: ReportCheck): string {
  if (check.cut) {
    const planned = check.matcher === 'toLeakMemory' ? `${check.cycles} cycles` : `${check.cycles} cycles per variant`
    const facts = [`planned: ${planned} after ${check.warmup} warm-up`, `stopped after ${(check.durationMs / 1000).toFixed(1)} s`]
    if (check.budgetFile) facts.push(`budget file \`${check.budgetFile}\``)
    return `\`${cell(check.file)}\` › ${cell(check.test)}  \n${facts.join(' · ')}`
  }
  const readEvery = check.callsPerReading === undefined ? '' : ` (heap read after every ${ordinal(check.callsPerReading)})`
  const runs = check.block ? `${check.cycles} cycles${readEvery}` : `${check.cycles} cycles without the feature, ${check.cycles} with${readEvery}`
  // Read every k calls, a warm-up runs whole readings: up to k - 1 calls past the one asked.
  const k = check.callsPerReading ?? 1
  const ran = (run: number) => (run <= Math.ceil(check.warmup / k) * k ? `${run}` : `${run} (V8 compiled for longer)`)
  const warmup = check.candidateWarmupRun === undefined
    ? `warm-up ${ran(check.warmupRun)}`
    : `warm-up ${ran(check.warmupRun)} without, ${ran(check.candidateWarmupRun)} with`
  const facts = [runs, warmup, `${(check.durationMs / 1000).toFixed(1)} s`]
  if (check.budgetFile) facts.push(`budget file \`${check.budgetFile}\``)
  return `\`${cell(check.file)}\` › ${cell(check.test)}  \n${facts.join(' · ')}`
}

/** Baseline, candidate, the difference and the limit, one row per figure. */
function figuresTable(check: ReportCheck): string {
  const { limits } = check
  const variants: Array<['baseline' | 'candidate' | 'block', string]> = check.block
    ? [['block', 'block']]
    : [['baseline', 'baseline (without)'], ['candidate', 'candidate (with)']]
  const verdictOf = (keys: Finding['key'][]) => {
    const relevant = check.findings.filter((f) => keys.includes(f.key))
    if (relevant.length === 0) return '–'
    return relevant.some((f) => f.over) ? '**over**' : 'within'
  }
  const get = (subject: string) => check[subject as 'baseline'] as VariantRecord | undefined
  const lines = [
    row(['', ...variants.map(([, label]) => label), ...(check.block ? [] : ['overhead']), 'limit', 'verdict']),
    `| --- |${' ---: |'.repeat(variants.length + (check.block ? 1 : 2))} --- |`,
  ]
  // The change over the cycles, not two absolute sizes: a worker heap is ~10 MB, and pretty-bytes
  // prints 10.2 MB for both ends of a 40 kB rise.
  const heap = variants.map(([subject]) => {
    const readings = get(subject)?.readings ?? []
    return readings.length ? `${formatSignedSize(readings.at(-1)! - readings[0]!)} from ${formatSize(readings[0]!)}` : '–'
  })
  const retained = findingOf(check, 'retained')
  lines.push(row([
    'post-GC heap over the cycles',
    ...heap,
    ...(check.block ? [] : [check.retained ? `${emphasise(formatSize(check.retained.bytes), retained?.over)} ${check.retained.source === 'heap snapshots' ? 'exact' : `±${formatSize(check.retained.uncertainty)}`}` : '–']),
    limits.retained === undefined ? '–' : formatSize(limits.retained),
    verdictOf(['retained']),
  ]))
  const growth = variants.map(([subject]) => {
    const variant = get(subject)
    if (!variant) return '–'
    const over = check.findings.some((f) => f.key === 'leak' && f.subject === subject && f.over)
    return `${emphasise(formatRate(variant.growth.perCycle), over)} ±${formatSize((variant.growth.high - variant.growth.low) / 2)}`
  })
  const growthOverhead = check.baseline && check.candidate ? formatSignedSize(check.candidate.growth.perCycle - check.baseline.growth.perCycle) : '–'
  lines.push(row([
    'growth per cycle',
    ...growth,
    ...(check.block ? [] : [growthOverhead]),
    limits.leak === undefined ? '–' : `${formatRate(limits.leak)}${check.block ? '' : ' each'}`,
    verdictOf(['leak']),
  ]))
  if (variants.some(([subject]) => get(subject)?.objects)) {
    const objects = variants.map(([subject]) => {
      const found = get(subject)?.objects
      return found ? `${found.groups.reduce((sum, g) => sum + g.count, 0)} (${formatSize(found.bytes)})` : 'not read'
    })
    const overhead = check.baseline?.objects && check.candidate?.objects ? formatSignedSize(check.candidate.objects.bytes - check.baseline.objects.bytes) : '–'
    const objectLimits = limits.objects ? Object.entries(limits.objects).map(([name, limit]) => `${cell(name)} ≤ ${limit}`).join(', ') : '–'
    lines.push(row(['objects left behind', ...objects, ...(check.block ? [] : [overhead]), objectLimits, verdictOf(['objects', 'objectLeak'])]))
  }
  const { allocations } = check
  if (allocations && !check.block) {
    const { bytesPerCycle: volume, cyclePeak: peak } = allocations
    lines.push(row([
      'allocated per cycle (garbage included)',
      formatRate(volume.baseline),
      formatRate(volume.candidate),
      emphasise(`${formatSignedSize(volume.extra)}/cycle`, findingOf(check, 'allocated')?.over),
      limitCell(findingOf(check, 'allocated'), formatRate),
      verdictOf(['allocated']),
    ]))
    if (peak) lines.push(row([
      'peak heap in a cycle (median)',
      formatSize(peak.baseline),
      formatSize(peak.candidate),
      emphasise(`${formatSignedSize(peak.extra)}${peak.extra > peak.low ? ` ±${formatSize(peak.extra - peak.low)}` : ''}`, findingOf(check, 'peak')?.over),
      limitCell(findingOf(check, 'peak'), formatSize),
      verdictOf(['peak']),
    ]))
  }
  return lines.join('\n')
}

/** A limit in the figures table: as written, with what a share came to (`2% (2.04 kB/cycle)`); '–' when none was set. */
function limitCell(finding: Finding | undefined, format: (bytes: number) => string): string {
  return finding === undefined ? '–' : limitText(finding, format)
}

function chartAlt(check: ReportCheck): string {
  const lines = check.block
    ? `block ${formatRate(check.block.growth.perCycle)}`
    : `baseline ${formatRate(check.baseline?.growth.perCycle ?? 0)}, candidate ${formatRate(check.candidate?.growth.perCycle ?? 0)}`
  return `Post-GC heap after ${afterWhich(check)}: ${lines}`.replace(/[[\]]/g, '')
}

const SUBJECT: Record<Finding['subject'], string> = { baseline: 'baseline', candidate: 'candidate', block: 'block' }

/** Every limit checked, over ones first, as the matcher judged them. */
function findingList(check: ReportCheck): string {
  const sorted = [...check.findings].sort((a, b) => Number(b.over) - Number(a.over))
  if (sorted.length === 0) return '_No limits to check._'
  return sorted.map((finding) => `- ${finding.over ? '**over**' : 'within'}: ${findingText(finding, objectCycles(check, finding.subject))}`).join('\n')
}

function findingText(finding: Finding, cycles: number): string {
  const subject = SUBJECT[finding.subject]
  const plusMinus = (text: string) => (finding.uncertainty > 0 ? ` (±${text})` : '')
  switch (finding.key) {
    case 'retained':
      return `retained ${formatSize(finding.measured)}${finding.source === 'heap snapshots' ? ', exact, from heap snapshots' : plusMinus(formatSize(finding.uncertainty))}; limit ${formatSize(finding.limit)}`
    case 'leak':
      return `${subject} grows ${formatRate(finding.measured)}${plusMinus(formatRate(finding.uncertainty))}; limit ${formatRate(finding.limit)}${finding.excused && !finding.over ? `; ${EXCUSES[finding.excused]}` : ''}`
    case 'objects':
      return `${subject} holds ${finding.measured} new ${cell(finding.group?.name ?? 'objects')}; limit ${finding.limit}`
    case 'objectLeak': {
      const perCycle = (finding.measured / cycles).toFixed(1).replace(/\.0$/, '')
      return `${subject} keeps ${cell(finding.group?.name ?? 'objects')} every cycle (${finding.measured}, ${perCycle} per cycle, ${formatSize(finding.group?.bytes ?? 0)})`
    }
    case 'allocated':
      return `${subject} allocates ${formatSignedSize(finding.measured)}/cycle more than the baseline${ofBaseline(finding, formatRate)}${plusMinus(formatSize(finding.uncertainty))}; limit ${limitText(finding, formatRate)}`
    case 'direct':
      return `${subject} allocates ${formatSignedSize(finding.measured)}/cycle more in its own files${ofBaseline(finding, formatRate)}${plusMinus(formatSize(finding.uncertainty))}; limit ${limitText(finding, formatRate)}`
    case 'collectionLeak': {
      const c = finding.collection!
      const perCycle = (finding.measured / cycles).toFixed(1).replace(/\.0$/, '')
      const path = c.path ? `, held by ${code(c.path)}` : ''
      return `${subject} keeps adding to a ${cell(c.name ?? c.kind)} (+${finding.measured} entries, ${perCycle} per cycle, ${c.from} to ${c.to}${path})`
    }
    case 'countLeak': {
      const { name, from, to, cycles: fitted } = finding.counted!
      const perCycle = ((to - from) / fitted).toFixed(1).replace(/\.0$/, '')
      const limit = finding.limit > 0 ? `; limit ${finding.limit} per cycle` : ''
      const unsteady = !finding.over && (finding.limit === 0 || finding.measured > finding.limit) ? ', not steady' : ''
      return `${subject}'s ${name} ${to - from >= 0 ? '+' : ''}${to - from} (${perCycle} per cycle, ${from} to ${to})${unsteady}${limit}`
    }
    case 'peak':
      return `${subject}'s heap peaks ${formatSignedSize(finding.measured)} higher than the baseline's in a typical cycle${ofBaseline(finding, formatSize)}${plusMinus(formatSize(finding.uncertainty))}; limit ${limitText(finding, formatSize)}`
  }
}

/** The objects each variant left behind, with the path from the GC roots to one of them. */
function objectsTable(check: ReportCheck): string | undefined {
  const rows: string[] = []
  for (const subject of ['candidate', 'baseline', 'block'] as const) {
    for (const group of check[subject]?.objects?.groups ?? []) {
      const perCycle = (group.count / objectCycles(check, subject)).toFixed(1).replace(/\.0$/, '')
      rows.push(row([
        SUBJECT[subject],
        cell(group.name),
        String(group.count),
        perCycle,
        formatSize(group.bytes),
        group.sample ? formatSize(group.sample.retainedSize) : '–',
        group.sample ? code(group.sample.path) : '–',
      ]))
    }
  }
  if (rows.length === 0) return undefined
  return [row(['variant', 'objects', 'count', 'per cycle', 'bytes', 'one retains', 'held by']), '| --- | --- | ---: | ---: | ---: | ---: | --- |', ...rows].join('\n')
}

/** Allocation sites and the direct/indirect split, when the check measured them. */
function sitesSection(check: ReportCheck): string | undefined {
  const { allocations } = check
  if (!allocations) return undefined
  const parts: string[] = []
  if (allocations.sites.length > 0) {
    const rows = allocations.sites.map((site) => row([
      code(site.functionName),
      site.file === '' ? '(built-in)' : code(`${site.file}:${site.line}`),
      site.package === undefined ? site.kind : cell(site.package),
      formatRate(site.bytesPerCycle),
      percent(site.share),
    ]))
    parts.push(
      '### Where the candidate allocates more',
      'Extra bytes per cycle beyond the baseline, by function (the line is where the function starts: V8 samples functions, not lines).',
      [row(['function', 'where', 'kind', 'extra per cycle', 'share']), '| --- | --- | --- | ---: | ---: |', ...rows].join('\n'),
    )
  }
  if (allocations.split) {
    const { direct, indirect, indirectGroups } = allocations.split
    const directFinding = findingOf(check, 'direct')
    const rows = [
      row(['direct (the feature’s own files)', emphasise(formatRate(direct.bytesPerCycle), directFinding?.over), percent(direct.share)]),
      row(['indirect (made on its behalf elsewhere)', formatRate(indirect.bytesPerCycle), percent(indirect.share)]),
      ...indirectGroups.map((group) => row([`  · ${cell(group.name)}`, formatRate(group.bytesPerCycle), percent(group.share)])),
    ]
    parts.push('### Direct and indirect allocation', [row(['part', 'extra per cycle', 'share']), '| --- | ---: | ---: |', ...rows].join('\n'))
  }
  return parts.length ? parts.join('\n\n') : undefined
}

function environmentSection(environment: ReportEnvironment, createdAt: string): string {
  const rows = [
    ['Node', `${environment.node}, V8 ${environment.v8}`],
    ['OS', `${environment.os} (${environment.arch})`],
    ['CPU', `${environment.cpu} × ${environment.cpus}`],
    ['Memory', formatSize(environment.memory)],
    ['Vitest', `${environment.vitest}${environment.pools.length ? `, pool ${environment.pools.join(', ')}` : ''}`],
    ...(environment.browsers ? [['Browser', environment.browsers.join(', ')]] : []),
    ['CI', environment.ci ? 'yes' : 'no'],
    ['Date', createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')],
  ]
  return ['## Environment', [row(['', '']), '| --- | --- |', ...rows.map(([name, value]) => row([name!, cell(value!)]))].join('\n')].join('\n\n')
}

function findingOf(check: ReportCheck, key: Finding['key']): Finding | undefined {
  return check.findings.find((finding) => finding.key === key)
}

function checkName(check: ReportCheck): string {
  return check.budget === undefined ? 'toLeakMemory' : code(check.budget)
}

function emphasise(text: string, over: boolean | undefined): string {
  return over ? `**${text}**` : text
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

/** Text for a table cell: markdown's active characters escaped, pipes too (they end a cell). */
export function cell(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, '\\$&').replace(/\r?\n/g, ' ')
}

/** A code span that survives any backticks inside it, and pipes in a table. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const padded = text.startsWith('`') || text.endsWith('`') ? ` ${text} ` : text
  return `${fence}${padded.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${fence}`
}

/**
 * The anchor GitHub gives a heading (github-slugger): lower case, punctuation dropped, spaces to
 * hyphens. Headings here are unique (they start with the check's number), so no `-1` suffixes.
 */
export function headingSlug(text: string): string {
  return text
    .replace(/\\(.)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`
}
