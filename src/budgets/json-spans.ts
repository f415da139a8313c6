/**
 * Where each value of a JSON document is, by character offset: what editing a file in place needs
 * (change one value, add one member) without touching a byte of the rest. Only for text that
 * `JSON.parse` accepts; callers check that first, and this throws on anything else.
 */

export type JsonSpan = ObjectSpan | ArraySpan | ScalarSpan

interface Span {
  /** Offset of the first character of the value, and one past its last. */
  start: number
  end: number
}

export interface ObjectSpan extends Span {
  kind: 'object'
  members: MemberSpan[]
}

export interface ArraySpan extends Span {
  kind: 'array'
  items: JsonSpan[]
}

export interface ScalarSpan extends Span {
  kind: 'scalar'
}

export interface MemberSpan {
  key: string
  /** Offset of the key's opening quote. */
  keyStart: number
  value: JsonSpan
}

/** A number, true, false or null, matched where the parser stands (sticky). */
const LITERAL = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y

/** The document's top value, with its offsets in `text` (a leading byte-order mark is skipped). */
export function parseSpans(text: string): JsonSpan {
  let at = text.startsWith('\uFEFF') ? 1 : 0

  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${at}`)
  }
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++
  }
  const expect = (char: string) => {
    if (text[at] !== char) fail(`expected ${char}`)
    at++
  }

  const string = (): string => {
    const start = at
    expect('"')
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1
    expect('"')
    return JSON.parse(text.slice(start, at)) as string
  }

  const value = (): JsonSpan => {
    skipSpace()
    const start = at
    const char = text[at]
    if (char === '{') {
      at++
      const members: MemberSpan[] = []
      skipSpace()
      if (text[at] === '}') {
        at++
        return { kind: 'object', start, end: at, members }
      }
      for (;;) {
        skipSpace()
        const keyStart = at
        const key = string()
        skipSpace()
        expect(':')
        members.push({ key, keyStart, value: value() })
        skipSpace()
        if (text[at] === ',') at++
        else break
      }
      expect('}')
      return { kind: 'object', start, end: at, members }
    }
    if (char === '[') {
      at++
      const items: JsonSpan[] = []
      skipSpace()
      if (text[at] === ']') {
        at++
        return { kind: 'array', start, end: at, items }
      }
      for (;;) {
        items.push(value())
        skipSpace()
        if (text[at] === ',') at++
        else break
      }
      expect(']')
      return { kind: 'array', start, end: at, items }
    }
    if (char === '"') {
      string()
      return { kind: 'scalar', start, end: at }
    }
    LITERAL.lastIndex = at
    const literal = LITERAL.exec(text)
    if (!literal) return fail('expected a value')
    at = LITERAL.lastIndex
    return { kind: 'scalar', start, end: at }
  }

  const top = value()
  skipSpace()
  if (at !== text.length) fail('unexpected text after the document')
  return top
}

/** The member `key` of an object span; the last one when a key is repeated, as JSON.parse reads it. */
export function memberOf(span: JsonSpan | undefined, key: string): MemberSpan | undefined {
  if (span?.kind !== 'object') return undefined
  return span.members.findLast((member) => member.key === key)
}
