// What the published tarball must hold, checked on `npm pack --json`'s file list and the packed
// files' text: by the pack test (test/package/pack.test.ts, on the repository's build) and by the
// smoke (scripts/smoke.ts, on the tarball a clean clone packs).

/** The files outside dist/ that ship: the schema is an export, the README is the package's page. */
const TOP_LEVEL = ['package.json', 'README.md', 'budget.schema.json']

/** Paths that are a repository's development files, never the package's. */
const DEVELOPMENT = /(^|\/)(test|tests|__tests__|fixtures|bench|examples|compat|scripts)\/|\.(test|spec)\.[cm]?[jt]s$|\.heapsnapshot$/

/**
 * What is wrong with a tarball's file list, one line a problem (none: it is right). `sources` are
 * the modules under src/ (`plugin/worker-setup.ts`): each must ship as dist/ JavaScript and types,
 * and dist/ must hold nothing else, so neither a missing build nor a stale file can ship.
 */
export function packListProblems(files: readonly string[], sources: readonly string[]): string[] {
  const shipped = new Set(files)
  const problems: string[] = []
  for (const file of TOP_LEVEL) if (!shipped.has(file)) problems.push(`${file} is missing`)
  const expected = new Set(sources.flatMap((source) => [`dist/${source.replace(/\.ts$/, '.js')}`, `dist/${source.replace(/\.ts$/, '.d.ts')}`]))
  const missing = [...expected].filter((file) => !shipped.has(file))
  if (missing.length === expected.size) problems.push('dist/ is missing (was the package built before packing?)')
  else for (const file of missing) problems.push(`${file} is missing (built from src/)`)
  for (const file of files) {
    if (DEVELOPMENT.test(file)) problems.push(`${file} is a test, fixture or development file`)
    else if (file.endsWith('.map')) problems.push(`${file} is a source map, and the sources it maps do not ship`)
    else if (file.startsWith('dist/') ? !expected.has(file) : !TOP_LEVEL.includes(file)) problems.push(`${file} is not built from src/ nor one of ${TOP_LEVEL.join(', ')}`)
  }
  return problems
}

/**
 * Packed files that point at a source map (`//# sourceMappingURL=`): Vite reads the comment and
 * prints a `Failed to load source map` stack trace for each one whose map is not there.
 */
export function sourceMapCommentProblems(files: ReadonlyArray<{ path: string; text: string }>): string[] {
  return files
    .filter(({ path, text }) => /\.[cm]?[jt]s$/.test(path) && /^\/\/# sourceMappingURL=/m.test(text))
    .map(({ path }) => `${path} has a sourceMappingURL comment`)
}
