// The files of README.md's "## Quick start", as a user copies them into a project: scripts/smoke.ts
// runs them as they are written there, so the README and the smoke cannot drift apart.
import { marked, type Tokens } from 'marked'

export interface QuickStartFile {
  /** Where the smoke writes it, relative to the consumer project's root. */
  path: string
  text: string
}

/**
 * Each code block of the section names its file in a first-line comment (`// vitest.config.ts`).
 * The test file goes one folder down: its `import ... from '../src/client.ts'` says so. `sh` blocks
 * (the install command: the smoke installs the packed tarball instead) and blocks without a language
 * (printed output) are not files; any other block is an error, so a new one cannot go unnoticed.
 */
const PLACES: Array<{ caption: RegExp; path: string }> = [
  { caption: /^vitest\.config\.ts$/, path: 'vitest.config.ts' },
  { caption: /^memory-budgets\.json\b/, path: 'memory-budgets.json' },
  { caption: /^any test file\b/, path: 'test/telemetry.test.ts' },
]

export function quickStartFiles(readme: string): QuickStartFile[] {
  const tokens = marked.lexer(readme)
  const start = tokens.findIndex((token) => token.type === 'heading' && token.depth === 2 && token.text === 'Quick start')
  if (start < 0) throw new Error('README.md has no "## Quick start" section')
  const end = tokens.findIndex((token, index) => index > start && token.type === 'heading' && token.depth <= 2)
  const blocks = tokens.slice(start + 1, end < 0 ? undefined : end).filter((token): token is Tokens.Code => token.type === 'code')
  const files: QuickStartFile[] = []
  for (const block of blocks) {
    if (block.lang === 'sh' || !block.lang) continue
    const [first = '', ...rest] = block.text.split('\n')
    const caption = /^\/\/\s*(.*)$/.exec(first)?.[1]
    const place = caption === undefined ? undefined : PLACES.find((candidate) => candidate.caption.test(caption))
    if (!place) throw new Error(`README.md's quick start has a ${block.lang} block the smoke does not know where to write:\n${block.text}`)
    if (files.some((file) => file.path === place.path)) throw new Error(`README.md's quick start has two blocks for ${place.path}`)
    // JSON allows no comments: the caption of the budget file's block names the file, it is not in it.
    const text = place.path.endsWith('.json') ? rest.join('\n') : block.text
    files.push({ path: place.path, text: `${text}\n` })
  }
  const missing = PLACES.filter((place) => !files.some((file) => file.path === place.path)).map((place) => place.path)
  if (missing.length) throw new Error(`README.md's quick start has no block for ${missing.join(', ')}`)
  return files
}
