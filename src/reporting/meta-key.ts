/** Where a check's record goes in its test's meta, for the reporters. Imports nothing: the browser page sets it too. */
export const META_KEY = 'memoryBudget'
