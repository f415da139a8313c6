import { describe, expect, test } from 'vitest'
import { formatPath } from '../../../src/engine/snapshots/retainer-paths.ts'

/** A step as memlab gives it: a node, and the edge from it to the next step (none on the last). */
type Step = [nodeName: string, nodeType: string, edgeOut?: string | number, edgeType?: string]

function path(steps: Step[]) {
  let next: object | undefined
  for (let i = steps.length - 1; i >= 0; i--) {
    const [name, type, edge, edgeType = 'property'] = steps[i]!
    next = { node: { name, type, id: i }, edge: edge === undefined ? undefined : { name_or_index: edge, type: edgeType }, next }
  }
  return next as Parameters<typeof formatPath>[0]
}

describe('formatPath', () => {
  test('a global holder reads from the global object down', () => {
    expect(formatPath(path([
      ['(GC roots)', 'synthetic', 2, 'shortcut'],
      ['global', 'object', '__client'],
      ['TelemetryClient', 'object', 'queue'],
      ['Array', 'object', 19, 'element'],
      ['TelemetryEvent', 'object'],
    ]))).toBe('global -> __client: TelemetryClient -> queue: Array -> [19]: TelemetryEvent')
  })

  test("the harness's frames are cut: the line starts at the block's scope, shown by its variables", () => {
    expect(formatPath(path([
      ['system / PromiseFulfillReactionJobTask', 'hidden', 'extension', 'internal'],
      ['system / Context', 'object', 'parameters_and_registers', 'internal'],
      ['Generator', 'object', 0, 'element'],
      ['(array)', 'array', 'context', 'internal'],
      ['', 'closure', 'context', 'internal'],
      ['system / Context', 'object', 'held', 'context'],
      ['ReservedArray', 'object', '#items'],
      ['Array', 'object', 19, 'element'],
      ['x'.repeat(2000), 'string'],
    ]))).toBe('(closure) -> held: ReservedArray -> #items: Array -> [19]: (string) "xxxxxxxxxxxxxxxxxxxxx..."')
  })
})
