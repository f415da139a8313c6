/**
 * Built-in defaults, used where neither the budget file's `defaults` nor the entry sets a key.
 * Chosen from `npm run bench` (bench/RESULTS.md): enough warm-up that V8's tier-up has settled,
 * enough cycles that a robust slope separates a 1 kB/cycle leak from noise.
 */
export const DEFAULT_CYCLES = 20
export const DEFAULT_WARMUP = 20
/** Allowed growth per cycle. The leak rule only fails on growth that is consistent, not on any byte. */
export const DEFAULT_LEAK = 0

/** Bounds that keep a check meaningful (a slope needs points) and finite (a typo of 20000). */
export const MIN_CYCLES = 5
export const MAX_CYCLES = 1000
export const MAX_WARMUP = 1000
