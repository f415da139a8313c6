// Stands in for happy-dom's types, which Vitest's optional-types.d.ts imports when happy-dom is
// installed (a dev dependency here, for the DOM environment tests): happy-dom 21's own types do not
// compile against @types/node 24 (node:stream/web), and this check reads every library's types.
// Vitest reads only the options of happy-dom's Window constructor.
export declare class Window {
  constructor(options?: Record<string, unknown>)
}
