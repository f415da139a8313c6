import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { runCli } from '../../src/cli/cli.ts'
import { budgetCheck, report } from '../helpers/memory-reports.ts'

// The GitHub Actions workflow of the README (examples/github-actions), as far as it runs here: its
// scripts against fake `gh` and `git` that answer as GitHub's do and log what they were asked, and
// the CLI line of the workflow on real reports.
const dir = path.resolve(import.meta.dirname, '../../examples/github-actions')
const workflow = readFileSync(path.join(dir, 'memory.yml'), 'utf8')

let work: string
let log: string
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'gh-actions-'))
  log = path.join(work, 'calls.log')
  mkdirSync(path.join(work, 'bin'))
  // Each fake logs its arguments, one call a line, and answers from FAKE_* variables.
  fake('gh', `
case "$1 $2" in
  "run list") printf '%s' "$FAKE_RUN" ;;
  "run download") [ "$FAKE_DOWNLOAD" = ok ] || exit 1; dir=\${@: -1}; mkdir -p "$dir"; echo '{}' > "$dir/memory-report.json" ;;
  "api repos/"*) printf '%s' "$FAKE_COMMENT" ;;
esac`)
  fake('git', `[ "$1" = merge-base ] && echo abc123`)
})
afterEach(() => rmSync(work, { recursive: true, force: true }))

function fake(name: string, body: string) {
  const file = path.join(work, 'bin', name)
  writeFileSync(file, `#!/usr/bin/env bash\necho "${name} $*" >> "${log}"\n${body}\n`)
  chmodSync(file, 0o755)
}

function script(name: string, args: string[], env: Record<string, string> = {}) {
  const run = spawnSync('bash', [path.join(dir, name), ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${path.join(work, 'bin')}:${process.env.PATH}`, GITHUB_REPOSITORY: 'me/lib', GITHUB_ENV: path.join(work, 'github-env'), ...env },
  })
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []
  const githubEnv = existsSync(path.join(work, 'github-env')) ? readFileSync(path.join(work, 'github-env'), 'utf8') : ''
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, calls, githubEnv }
}

describe('find-base-report.sh', () => {
  test("downloads the report main kept for the merge base's commit, and names it to the job's next steps", () => {
    const run = script('find-base-report.sh', ['origin/main', 'memory.yml', 'base'], { FAKE_RUN: '42', FAKE_DOWNLOAD: 'ok' })
    expect(run.status).toBe(0)
    expect(run.calls).toEqual([
      'git merge-base origin/main HEAD',
      "gh run list --workflow memory.yml --commit abc123 --status success --limit 1 --json databaseId --jq .[0].databaseId // empty",
      'gh run download 42 --name memory-report --dir base',
    ])
    expect(existsSync(path.join(work, 'base/memory-report.json'))).toBe(true)
    expect(run.githubEnv).toBe('VITEST_MEMORY_BUDGET_COMPARE=base/memory-report.json\n')
    expect(run.stdout).toBe('comparing with the memory report of abc123 (run 42)\n')
  })

  test('no run of the merge base (the first pull request): says so, and the run compares with nothing', () => {
    const run = script('find-base-report.sh', ['origin/main', 'memory.yml', 'base'], { FAKE_RUN: '' })
    expect(run.status).toBe(0)
    expect(run.stdout).toBe('no memory report for the merge base abc123: this run compares with nothing\n')
    expect(run.githubEnv).toBe('')
  })

  test('a run whose report expired: says so, leaves no folder, and the run compares with nothing', () => {
    const run = script('find-base-report.sh', ['origin/main', 'memory.yml', 'base'], { FAKE_RUN: '42', FAKE_DOWNLOAD: 'gone' })
    expect(run.status).toBe(0)
    expect(run.stdout).toBe('the run 42 of abc123 kept no memory report (expired?): this run compares with nothing\n')
    expect(existsSync(path.join(work, 'base'))).toBe(false)
    expect(run.githubEnv).toBe('')
  })
})

describe('sticky-comment.sh', () => {
  beforeEach(() => writeFileSync(path.join(work, 'comment.md'), '## Changes since base\n\n**No change since the base run**'))

  test('posts the comment, marked, when the pull request has none yet', () => {
    const run = script('sticky-comment.sh', ['17', 'comment.md'], { FAKE_COMMENT: '' })
    expect(run.status).toBe(0)
    expect(run.calls[0]).toBe('gh api repos/me/lib/issues/17/comments --paginate --jq .[] | select(.body | startswith("<!-- vitest-memory-budget -->")) | .id')
    expect(run.calls[1]).toBe('gh api --method POST repos/me/lib/issues/17/comments -f body=<!-- vitest-memory-budget -->')
    expect(run.calls[2]).toBe('## Changes since base')
    expect(run.stdout).toBe('posted a comment on #17\n')
  })

  test('updates the comment it posted before, in place', () => {
    const run = script('sticky-comment.sh', ['17', 'comment.md'], { FAKE_COMMENT: '991' })
    expect(run.status).toBe(0)
    expect(run.calls[1]).toBe('gh api --method PATCH repos/me/lib/issues/comments/991 -f body=<!-- vitest-memory-budget -->')
    expect(run.stdout).toBe('updated comment 991 on #17\n')
  })

  test("refuses a pull request number that is not one (it comes from the pull request's own artifact), before any call", () => {
    const run = script('sticky-comment.sh', ['17/../../x', 'comment.md'])
    expect(run.status).toBe(1)
    expect(run.stderr).toBe("not a pull request number: '17/../../x'\n")
    expect(run.calls).toEqual([])
  })
})

describe('memory.yml', () => {
  test('runs the scripts that sit beside it, from .github/scripts', () => {
    const scripts = [...workflow.matchAll(/bash \.github\/scripts\/([\w-]+\.sh)/g)].map((match) => match[1]!)
    const comment = readFileSync(path.join(dir, 'memory-comment.yml'), 'utf8')
    scripts.push(...[...comment.matchAll(/bash \.github\/scripts\/([\w-]+\.sh)/g)].map((match) => match[1]!))
    expect(scripts).toEqual(['find-base-report.sh', 'sticky-comment.sh'])
    for (const name of scripts) expect(existsSync(path.join(dir, name)), name).toBe(true)
    // Both are valid bash.
    for (const name of scripts) execFileSync('bash', ['-n', path.join(dir, name)])
  })

  test("its compare line writes the pull request's comment from the base and head reports", () => {
    const line = /npx vitest-memory-budget (compare [^\n>|]+)/.exec(workflow)![1]!.trim()
    const argv = line.replaceAll('"$VITEST_MEMORY_BUDGET_COMPARE"', 'base/memory-report.json').split(/\s+/)
    const reports: Record<string, string> = {
      '/repo/base/memory-report.json': JSON.stringify(report([budgetCheck('telemetry', { allocated: { baseline: 100_000, candidate: 250_000 } })])),
      '/repo/memory-report/memory-report.json': JSON.stringify(report([budgetCheck('telemetry', { allocated: { baseline: 100_000, candidate: 450_000 } })])),
    }
    let stdout = ''
    const code = runCli({
      argv,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => {} },
      cwd: '/repo',
      readFile: (file) => reports[file]!,
    })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^## Changes since base\n/)
    expect(stdout).toContain('allocated +200 kB/cycle')
  })
})
