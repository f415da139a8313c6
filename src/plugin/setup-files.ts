import { fileURLToPath } from 'node:url'

// The setup files sit next to this module, as .ts in the repo and .js once built.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js'

/** What a Node project's workers run before its tests. */
export const setupFile = fileURLToPath(new URL(`./worker-setup${extension}`, import.meta.url))

/** What a browser project's pages run before its tests: it holds the page's runner of a block. */
export const browserSetupFile = fileURLToPath(new URL(`./browser-setup${extension}`, import.meta.url))
