import { randomBytes } from 'node:crypto'
import { accessSync, closeSync, constants, fchmodSync, fsyncSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import path from 'node:path'
import { BudgetError } from './budget-errors.ts'
import { parseSpans, memberOf, type JsonSpan, type ObjectSpan } from './json-spans.ts'
import { isAlive, pidReader, removeLeftovers } from './leftovers.ts'
import { loadBudgetFile } from './load-budget-file.ts'
import type { EntryUpdate, RawEntry } from './record-budget.ts'

/**
 * Writes recorded budgets into the budget file the user reviews: in place, as a person would edit
 * it. Only the values that change and the members that are added are touched; every other byte
 * (key order, `$schema`, one-line entries, spacing, line endings) stays as it was.
 */

/** Where editors find the schema, from a budget file at the project root. */
export const DEFAULT_SCHEMA = './node_modules/vitest-memory-budget/budget.schema.json'

/** The budget file as parsed JSON, sizes as written ("600 kB"). */
export interface RawBudgetFile {
  defaults?: RawEntry
  budgets: Record<string, RawEntry>
}

export interface MergeOptions {
  /** `$schema` of a file created from nothing. @default DEFAULT_SCHEMA */
  schema?: string
}

/**
 * The budget file's text with `updates` applied. `text` undefined creates a file.
 * @throws SyntaxError when `text` is not JSON, Error when it has no `budgets` object.
 */
export function mergeBudgetText(text: string | undefined, updates: readonly EntryUpdate[], options: MergeOptions = {}): string {
  const changed = updates.filter((update) => update.status !== 'unchanged')
  if (text === undefined) return newFileText(changed, options.schema ?? DEFAULT_SCHEMA)
  JSON.parse(text.replace(/^\uFEFF/, '')) // the authority on what JSON is; parseSpans only locates
  const top = parseSpans(text)
  const budgets = memberOf(top, 'budgets')?.value
  if (budgets?.kind !== 'object') throw new Error('the budget file has no "budgets" object')

  const editor = new TextEditor(text)
  const added: Array<[string, string]> = []
  const siblingsMultiline = budgets.members.length > 0 && editor.spansLines(budgets.members.at(-1)!.value)
  const entryIndent = budgets.members.length > 0 ? editor.indentAt(budgets.members.at(-1)!.keyStart) : editor.indentAt(budgets.start) + editor.unit
  for (const update of changed) {
    const member = memberOf(budgets, update.name)
    if (member === undefined) {
      const entry = entryOf(update)
      added.push([update.name, siblingsMultiline ? editor.multilineJson(entry, entryIndent) : inlineJson(entry)])
    } else if (member.value.kind === 'object') {
      applyToEntry(editor, member.value, update)
    } else {
      throw new Error(`budgets.${update.name} is not an object`)
    }
  }
  if (added.length > 0) editor.addMembers(budgets, added, true)
  const result = editor.result()
  return result.endsWith('\n') ? result : result + editor.eol
}

/** Sets each changed key of an existing entry: replaces its value, or adds the member. */
function applyToEntry(editor: TextEditor, entry: ObjectSpan, update: EntryUpdate): void {
  const added: Array<[string, string]> = []
  const nested = new Map<string, Array<[string, string | number]>>()
  for (const change of update.changes) {
    if (change.path.length === 2) {
      const [key, inner] = change.path
      nested.set(key, [...(nested.get(key) ?? []), [inner, change.after as string | number]]) // a count under objects
      continue
    }
    // inlineJson: a relative limit's { most, share } as a person writes it on one line.
    const member = memberOf(entry, change.path[0])
    if (member) editor.replace(member.value, inlineJson(change.after))
    else added.push([change.path[0], inlineJson(change.after)])
  }
  for (const [key, values] of nested) {
    const member = memberOf(entry, key)
    if (member?.value.kind !== 'object') {
      if (member) editor.replace(member.value, inlineJson(Object.fromEntries(values)))
      else added.push([key, inlineJson(Object.fromEntries(values))])
      continue
    }
    const innerAdded: Array<[string, string]> = []
    for (const [inner, value] of values) {
      const innerMember = memberOf(member.value, inner)
      if (innerMember) editor.replace(innerMember.value, JSON.stringify(value))
      else innerAdded.push([inner, JSON.stringify(value)])
    }
    if (innerAdded.length > 0) editor.addMembers(member.value, innerAdded, false)
  }
  if (added.length > 0) editor.addMembers(entry, added, false)
}

/** A new entry, keys in the order recorded (retained, leak, objects). */
function entryOf(update: EntryUpdate): RawEntry {
  const entry: RawEntry = {}
  for (const change of update.changes) {
    if (change.path.length === 1) entry[change.path[0]] = change.after
    else ((entry[change.path[0]] ??= {}) as RawEntry)[change.path[1]] = change.after
  }
  return entry
}

/** A budget file from nothing, in the README's layout: 2-space indent, one line per budget. */
function newFileText(updates: readonly EntryUpdate[], schema: string): string {
  const lines = updates.map((update) => `    ${JSON.stringify(update.name)}: ${inlineJson(entryOf(update))}`)
  return `{\n  "$schema": ${JSON.stringify(schema)},\n  "budgets": {${lines.length ? `\n${lines.join(',\n')}\n  ` : ''}}\n}\n`
}

/** `{ "retained": "4 kB", "objects": { "Event": 25 } }`, on one line. */
export function inlineJson(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return JSON.stringify(value)
  const members = Object.entries(value).map(([key, inner]) => `${JSON.stringify(key)}: ${inlineJson(inner)}`)
  return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`
}

interface Edit {
  start: number
  end: number
  text: string
}

/** Edits of one text, applied at once at the end so that every offset refers to the original. */
class TextEditor {
  readonly eol: string
  /** One level of indentation, as the file has it (two spaces when it has none). */
  readonly unit: string
  private readonly edits: Edit[] = []
  private readonly text: string

  constructor(text: string) {
    this.text = text
    this.eol = text.includes('\r\n') ? '\r\n' : '\n'
    this.unit = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  '
  }

  replace(span: JsonSpan, text: string): void {
    this.edits.push({ start: span.start, end: span.end, text })
  }

  /**
   * Adds members after the last one, on new lines at its indentation when the object spans lines,
   * else on its line. An empty object is rewritten: on one line, unless `multiline`.
   */
  addMembers(object: ObjectSpan, members: Array<[string, string]>, multiline: boolean): void {
    const texts = members.map(([key, value]) => `${JSON.stringify(key)}: ${value}`)
    const last = object.members.at(-1)
    if (last) {
      const indent = this.indentAt(last.keyStart)
      const separator = this.text.slice(object.start, last.keyStart).includes('\n') ? `,${this.eol}${indent}` : ', '
      this.edits.push({ start: last.value.end, end: last.value.end, text: texts.map((text) => separator + text).join('') })
      return
    }
    if (!multiline && !this.spansLines(object)) {
      this.edits.push({ start: object.start, end: object.end, text: `{ ${texts.join(', ')} }` })
      return
    }
    const outer = this.indentAt(object.start)
    const inner = outer + this.unit
    const body = texts.map((text) => inner + text).join(`,${this.eol}`)
    this.edits.push({ start: object.start, end: object.end, text: `{${this.eol}${body}${this.eol}${outer}}` })
  }

  /** An object over several lines, its members one level deeper than `indent`. */
  multilineJson(value: RawEntry, indent: string): string {
    const inner = indent + this.unit
    const members = Object.entries(value).map(([key, v]) => `${inner}${JSON.stringify(key)}: ${inlineJson(v)}`)
    return `{${this.eol}${members.join(`,${this.eol}`)}${this.eol}${indent}}`
  }

  /** The whitespace that starts the line `offset` is on. */
  indentAt(offset: number): string {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1
    return /^[ \t]*/.exec(this.text.slice(lineStart, offset))![0]
  }

  spansLines(span: JsonSpan): boolean {
    return this.text.slice(span.start, span.end).includes('\n')
  }

  result(): string {
    let out = this.text
    for (const edit of [...this.edits].sort((a, b) => b.start - a.start)) {
      out = out.slice(0, edit.start) + edit.text + out.slice(edit.end)
    }
    return out
  }
}

export interface BudgetFileWrite {
  file: string
  /** `created`: there was no file; `unchanged`: nothing to write, the file was not touched. */
  outcome: 'created' | 'written' | 'unchanged'
  updates: EntryUpdate[]
}

/**
 * Reads the budget file, asks `plan` for the updates, and writes the result atomically when it
 * differs. A file that is not valid JSON or not a valid budget file is never written, nor is a
 * read-only one. Read, merge and write happen under a lock file, so that two runs recording at once
 * (two terminals, a script running suites in parallel) each add to what the other wrote: without it
 * the second rename would replace the first writer's file with one merged from the older text.
 * A budget file that is a symbolic link is written through it: the lock, the temporary file and the
 * rename are beside the file it leads to, and the link stays. Temporary files left beside it by a
 * writer that was killed are removed here, under the lock.
 *
 * @throws BudgetError (`notJson`, `invalid`, `unknownKey`, `fileEmpty`, `fileUnreadable`) when the
 * existing file is malformed, `fileReadOnly` when it has changes to write but may not be written,
 * `fileLocked` when another writer holds the lock too long; the file is then left byte for byte as it was.
 */
export function updateBudgetFile(file: string, plan: (data: RawBudgetFile | undefined) => EntryUpdate[], options: UpdateOptions = {}): BudgetFileWrite {
  const target = linkTarget(file)
  return withLock(target, options.lockWaitMs ?? LOCK_WAIT_MS, () => {
    removeStrayTemps(target)
    return update(file, target, plan, options)
  })
}

export interface UpdateOptions extends MergeOptions {
  /** How long to wait for another writer's lock. @default 10 s */
  lockWaitMs?: number
}

/** `file` is the path the user gave (for messages and the result), `target` the file it leads to. */
function update(file: string, target: string, plan: (data: RawBudgetFile | undefined) => EntryUpdate[], options: MergeOptions): BudgetFileWrite {
  const text = readIfExists(target)
  let data: RawBudgetFile | undefined
  if (text !== undefined) {
    loadBudgetFile(file) // throws the BudgetError a check would: the same words for the same mistake
    data = JSON.parse(text.replace(/^\uFEFF/, '')) as RawBudgetFile
  }
  const updates = plan(data)
  const next = mergeBudgetText(text, updates, options)
  if (next === text || (text === undefined && !updates.some((update) => update.status !== 'unchanged'))) {
    return { file, outcome: 'unchanged', updates }
  }
  if (text !== undefined) assertWritable(file)
  writeFileAtomic(target, next)
  return { file, outcome: text === undefined ? 'created' : 'written', updates }
}

/**
 * The atomic write renames a new file over the old one, which needs only the folder's permission: a
 * file the user made read-only would be replaced anyway, and stay read-only. Refused instead: by the
 * permission check, and, since root passes every permission check, by the mode itself when it lets
 * nobody write.
 */
function assertWritable(file: string): void {
  const mode = statSync(file).mode & 0o777
  if ((mode & 0o222) === 0) throw new BudgetError('fileReadOnly', { file, reason: `mode ${modeText(mode)}: nobody may write it` })
  try {
    accessSync(file, constants.W_OK)
  } catch (error) {
    throw new BudgetError('fileReadOnly', { file, reason: `not writable by this user: ${(error as NodeJS.ErrnoException).code}` }, { cause: error })
  }
}

/** `r--r--r--` for 0o444. */
function modeText(mode: number): string {
  return [6, 3, 0].map((shift) => ['r', 'w', 'x'].map((c, i) => ((mode >> shift) & (4 >> i) ? c : '-')).join('')).join('')
}

/** How long a writer waits for another's lock: a write takes milliseconds, a run's end a few more. */
const LOCK_WAIT_MS = 10_000
const LOCK_POLL_MS = 25
/** A lock this old is left over whoever holds it: no write takes this long. */
const LOCK_STALE_MS = 60_000

/**
 * Runs `work` holding `.memory-budgets.json.lock` next to the file, created exclusively (O_EXCL), so
 * one process at a time reads, merges and writes. A lock left by a process that died (no such pid,
 * or older than LOCK_STALE_MS) is removed. Where no lock can be created at all (a read-only folder),
 * `work` runs without one: nothing else can write there either.
 */
function withLock<T>(file: string, waitMs: number, work: () => T): T {
  const lock = path.join(path.dirname(file), `.${path.basename(file)}.lock`)
  const deadline = Date.now() + waitMs
  for (;;) {
    let fd: number
    try {
      fd = openSync(lock, 'wx')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return work()
      const holder = lockHolder(lock)
      if (holder === undefined) continue // gone, or stale and removed: try again at once
      if (Date.now() > deadline) throw new BudgetError('fileLocked', { file, lock, holder })
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOCK_POLL_MS)
      continue
    }
    try {
      writeSync(fd, String(process.pid))
    } finally {
      closeSync(fd)
    }
    try {
      return work()
    } finally {
      rmSync(lock, { force: true })
    }
  }
}

/** Who holds the lock, in words; undefined when it is gone or was stale and has been removed. */
function lockHolder(lock: string): string | undefined {
  let pid: number
  let age: number
  try {
    pid = Number(readFileSync(lock, 'utf8'))
    age = Date.now() - statSync(lock).mtimeMs
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // Released meanwhile: take it. Anything else (a folder of that name) waits out the deadline.
    return code === 'ENOENT' ? undefined : `a lock that cannot be read: ${code}`
  }
  // An empty file is a lock being created: its pid comes next.
  const dead = pid > 0 && !isAlive(pid)
  if (dead || age > LOCK_STALE_MS) {
    rmSync(lock, { force: true })
    return undefined
  }
  return `${pid > 0 ? `pid ${pid}` : 'a process'}, for ${(age / 1000).toFixed(1)} s`
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Replaces `file` in one step: the text goes to a temporary file in the same folder (same file
 * system, so the rename is atomic), is flushed, and renamed over `file`. A reader sees the old file
 * or the new one, never half of one. The file's mode is kept. When `file` is a symbolic link (or a
 * chain of them), the file it leads to is the one replaced, and the links stay as they are: renaming
 * over the link itself would turn it into a regular file and leave the real one stale.
 *
 * The temporary file is `.<name>.<pid>.<random>.tmp`: a crash (kill -9) between its creation and the
 * rename leaves it behind, and the next update removes it once that pid is dead (removeStrayTemps).
 */
export function writeFileAtomic(file: string, text: string): void {
  const target = linkTarget(file)
  const mode = modeOf(target)
  const temp = path.join(path.dirname(target), `${tempPrefix(target)}${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const fd = openSync(temp, 'wx', mode ?? 0o666)
    try {
      // open() applies the umask: a group-writable file would come back without its g+w.
      if (mode !== undefined) fchmodSync(fd, mode)
      writeSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, target)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}

/** The permission bits of the file, or undefined when there is none yet (then 0o666 less the umask). */
function modeOf(file: string): number | undefined {
  try {
    return statSync(file).mode & 0o777
  } catch {
    return undefined
  }
}

function tempPrefix(target: string): string {
  return `.${path.basename(target)}.`
}

/** Removes the temporary files beside `target` that writers since killed left (see writeFileAtomic). */
function removeStrayTemps(target: string): void {
  removeLeftovers(path.dirname(target), pidReader(tempPrefix(target), '\\.[0-9a-f]{8}\\.tmp'))
}

/** As many links as Linux follows before ELOOP. */
const MAX_LINKS = 40

/**
 * The file that `file` leads to, following symbolic links, relative ones from their own folder, and
 * chains of them; `file` itself when it is not a link. A link to nothing leads to where the file
 * would be: writing creates it there. Folders on the way are resolved too, so that a relative link's
 * `..` means what it means to the kernel.
 */
export function linkTarget(file: string): string {
  let current = path.resolve(file)
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let link: string
    try {
      link = readlinkSync(current)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // EINVAL: not a link; ENOENT: nothing there. Either way the path ends here.
      if (code === 'EINVAL' || code === 'ENOENT') return path.join(realFolder(path.dirname(current)), path.basename(current))
      throw error
    }
    current = path.resolve(realFolder(path.dirname(current)), link)
  }
  throw Object.assign(new Error(`ELOOP: too many symbolic links, ${file}`), { code: 'ELOOP', path: file })
}

/** The folder's real path; the folder as given when it does not exist (writing there fails with its own error). */
function realFolder(folder: string): string {
  try {
    return realpathSync(folder)
  } catch {
    return folder
  }
}
