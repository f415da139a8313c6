// Imports nothing: the page (browser-setup.ts) reads it too.

/**
 * How long a check told to stop (its test ended) may take to do so. A slow block's cycle ends and
 * the loop stops; a block that never settles never lets it, and nothing waits for it beyond this.
 */
export const ABANDON_WAIT_MS = 500
