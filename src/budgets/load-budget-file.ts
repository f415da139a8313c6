import { readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { BudgetFile } from './budget.ts'
import { BudgetError } from './budget-errors.ts'
import { validateBudgetFile } from './validate-budget.ts'

/**
 * Reads, parses and validates a budget file; sizes come back as bytes. Never writes the file.
 * A relative path is resolved against the working directory.
 *
 * @throws BudgetError `fileMissing`, `fileUnreadable`, `fileEmpty`, `notJson`, `invalid` or `unknownKey`.
 */
export function loadBudgetFile(path: string): BudgetFile {
  const file = resolve(path)
  // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
  const text = readText(file).replace(/^\uFEFF/, '')
  if (text.trim() === '') throw new BudgetError('fileEmpty', { file })
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new BudgetError('notJson', { file, ...locate(text, (error as Error).message) }, { cause: error })
  }
  return { path: file, ...validateBudgetFile(data, file) }
}

interface Cached {
  mtimeNs: bigint
  size: bigint
  ino: bigint
  budgets: BudgetFile
}

const cache = new Map<string, Cached>()

/**
 * Like loadBudgetFile, but reads the file again only when its mtime, size or inode changed: Vitest's
 * watch mode re-runs tests after the budgets are edited, in the same process. The result is frozen
 * because every caller shares it. Errors are not cached, so a fixed file is picked up on the next call.
 */
export function readBudgetFileCached(path: string): BudgetFile {
  const file = resolve(path)
  let stats
  try {
    stats = statSync(file, { bigint: true })
  } catch {
    cache.delete(file)
    return loadBudgetFile(file) // throws the right BudgetError, or reads a file that just appeared
  }
  const hit = cache.get(file)
  if (hit && hit.mtimeNs === stats.mtimeNs && hit.size === stats.size && hit.ino === stats.ino) return hit.budgets
  // Stat before read: an edit in between leaves a stale stat, so the next call reads again (never the reverse).
  const budgets = deepFreeze(loadBudgetFile(file))
  cache.set(file, { mtimeNs: stats.mtimeNs, size: stats.size, ino: stats.ino, budgets })
  return budgets
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new BudgetError('fileMissing', { file }, { cause: error })
    // Node's own message for a directory ("EISDIR: illegal operation on a directory, read") names no path.
    throw new BudgetError('fileUnreadable', { file, reason: (error as Error).message }, { cause: error })
  }
}

/**
 * Line and column from the offset in V8's message ("... in JSON at position 12 (line 3 column 1)"),
 * computed here rather than read from the message, whose wording differs between Node versions.
 */
function locate(text: string, message: string): { detail: string; line?: number; column?: number; hint?: string } {
  const at = / at position (\d+)/.exec(message)
  const position = at ? Number(at[1]) : message.startsWith('Unexpected end of JSON input') ? text.trimEnd().length : undefined
  const detail = message.replace(/( in JSON)? at position \d+.*$/s, '')
  if (position === undefined) return { detail }
  const before = text.slice(0, position)
  const line = before.split('\n').length
  const column = position - before.lastIndexOf('\n')
  const hint = hintAt(text, position)
  return hint === undefined ? { detail, line, column } : { detail, line, column, hint }
}

/** The mistakes people make most when writing JSON by hand. */
function hintAt(text: string, position: number): string | undefined {
  if (text.startsWith('//', position) || text.startsWith('/*', position)) return 'JSON does not allow comments.'
  if (text[position] === "'") return 'JSON strings and names need double quotes.'
  if ('}]'.includes(text[position] ?? 'x') && text.slice(0, position).trimEnd().endsWith(',')) {
    return 'JSON does not allow a comma after the last item.'
  }
  return undefined
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
