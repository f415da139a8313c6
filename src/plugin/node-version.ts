/**
 * The Node versions the plugin supports, as package.json's `engines` says (a test keeps the two
 * equal). npm only warns about `engines` at install time, and not at all for the Node a test runner
 * is started with, so a run on an older Node would otherwise give readings nobody has checked.
 */
export const SUPPORTED_NODE = '>=22.12'
const MINIMUM = { major: 22, minor: 12 }

/** The warning for a Node version outside the supported range, or undefined when it is supported. */
export function unsupportedNodeMessage(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10))
  if (major > MINIMUM.major || (major === MINIMUM.major && minor >= MINIMUM.minor)) return undefined
  return `vitest-memory-budget: Node ${version} is not supported (supported: Node ${SUPPORTED_NODE}); memory figures and verdicts may be wrong on it.`
}

let warned = false

/**
 * Warns once per process (a config with several projects creates the plugin several times, and
 * watch mode reloads the config): in the main process, where the plugin is created.
 */
export function warnOnUnsupportedNode(version = process.versions.node, warn: (message: string) => void = console.warn): void {
  if (warned) return
  const message = unsupportedNodeMessage(version)
  if (message === undefined) return
  warned = true
  warn(message)
}
