// Child processes for scripts/smoke.ts: output captured, a bound on how long they may take.
import { spawn } from 'node:child_process'
import { stripVTControlCharacters } from 'node:util'

/**
 * This process's environment without npm's `npm_*` variables: set when the smoke runs as
 * `npm run smoke`, a child npm would read them as its own config (the repository's prefix).
 */
export const baseEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')))

export interface Ran {
  exitCode: number
  /** stdout and stderr as they came, without colour. */
  output: string
  seconds: number
}

export interface RunOptions {
  cwd: string
  env?: NodeJS.ProcessEnv
  /** Killed (with its children) after this long: a hang fails the smoke instead of stalling CI. */
  timeoutSeconds?: number
}

export function run(command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    // A process group of its own, so that a timeout also ends the workers Vitest started.
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? baseEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let timedOut = false
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid) process.kill(-child.pid, 'SIGKILL')
    }, (options.timeoutSeconds ?? 600) * 1000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (timedOut) output += `\n[smoke: killed after ${options.timeoutSeconds} s]\n`
      resolve({ exitCode: code ?? 1, output: stripVTControlCharacters(output), seconds: (performance.now() - started) / 1000 })
    })
  })
}

/** Runs a step that must succeed, or throws with the end of its output. */
export async function must(what: string, command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
  const ran = await run(command, args, options)
  if (ran.exitCode !== 0) throw new Error(`${what} failed (exit ${ran.exitCode}):\n${ran.output.split('\n').slice(-30).join('\n')}`)
  return ran
}
