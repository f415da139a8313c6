import type { Vitest } from 'vitest/node'

/**
 * Where the plugin prints its table, the report's path and what `-u` recorded. On stdout, like
 * Vitest's own summary, unless a reporter of the run prints machine-readable output there
 * (`vitest run --reporter=json > results.json` must give valid JSON): then on stderr, so that the
 * table still reaches the terminal.
 */
export interface PluginOutput {
  log(text: string): void
  /** The stream `log` writes to, for colour decisions. */
  stream: NodeJS.WritableStream
}

export function pluginOutput(vitest: Vitest): PluginOutput {
  const owner = stdoutOwner(vitest.config.reporters, vitest.config.outputFile, vitest.version)
  const { logger } = vitest
  return owner === undefined
    ? { log: (text) => logger.log(text), stream: logger.outputStream }
    : { log: (text) => logger.error(text), stream: logger.errorStream }
}

/** Vitest's reporters whose whole output is a document: `tap` and `tap-flat` print it to stdout always. */
const ALWAYS_STDOUT = new Set(['tap', 'tap-flat'])
/** These print it to stdout when no output file is set: Vitest 4 by default, Vitest 5 with `{ stdout: true }`. */
const STDOUT_WITHOUT_FILE = new Set(['json', 'junit'])

/**
 * The name of the first reporter that writes a machine-readable document to stdout, or undefined.
 * `reporters` as Vitest resolves them: `[name, options]` pairs, or reporter objects (whose output
 * cannot be known, and is taken to be text).
 */
export function stdoutOwner(reporters: readonly unknown[], outputFile: string | Partial<Record<string, string>> | undefined, vitestVersion: string): string | undefined {
  const major = Number.parseInt(vitestVersion, 10)
  for (const reporter of reporters) {
    if (!Array.isArray(reporter) || typeof reporter[0] !== 'string') continue
    const [name, options = {}] = reporter as [string, { outputFile?: unknown; stdout?: unknown } | undefined]
    if (ALWAYS_STDOUT.has(name)) return name
    if (!STDOUT_WITHOUT_FILE.has(name)) continue
    const file = options.outputFile ?? (typeof outputFile === 'string' ? outputFile : outputFile?.[name])
    if (file) continue
    // Vitest 5 writes these to .vitest/<name>/ unless told to use stdout.
    if (major >= 5 ? options.stdout === true : true) return name
  }
  return undefined
}
