// The files of README.md's "## Quick start", as a user copies them into a project: scripts/smoke.ts
// runs them as they are written there, so the README and the smoke cannot drift apart.
import { marked, type Tokens } from 'marked'

export interface QuickStartFile {
  /** Where the smoke writes it, relative to the consumer project's root. */
  path: string
  text: string
}

/**
 * Each code block of the section names its file in a first-line comment (`// vitest.config.ts`);
 * a JSON block, which allows no comments, in the paragraph just before it, opening with the file
 * name in backticks (`` `memory-budgets.json`, at the project root ``).
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
  const section = tokens.slice(start + 1, end < 0 ? undefined : end).filter((token) => token.type !== 'space')
  const files: QuickStartFile[] = []
  section.forEach((block, index) => {
    if (block.type !== 'code' || block.lang === 'sh' || !block.lang) return
    const code = block as Tokens.Code
    const before = section[index - 1]
    const caption =
      code.lang === 'json'
        ? before?.type === 'paragraph' ? /^`([^`]+)`/.exec((before as Tokens.Paragraph).text)?.[1] : undefined
        : /^\/\/\s*(.*)$/.exec(code.text.split('\n')[0] ?? '')?.[1]
    const place = caption === undefined ? undefined : PLACES.find((candidate) => candidate.caption.test(caption))
    if (!place) throw new Error(`README.md's quick start has a ${code.lang} block the smoke does not know where to write:\n${code.text}`)
    if (files.some((file) => file.path === place.path)) throw new Error(`README.md's quick start has two blocks for ${place.path}`)
    files.push({ path: place.path, text: `${code.text}\n` })
  })
  const missing = PLACES.filter((place) => !files.some((file) => file.path === place.path)).map((place) => place.path)
  if (missing.length) throw new Error(`README.md's quick start has no block for ${missing.join(', ')}`)
  return files
}
