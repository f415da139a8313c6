/**
 * A small glob matcher for "which files are the feature's own": `**` (any number of directories),
 * `*` (any characters but `/`), `?` (one character but `/`), everything else literal. Node's
 * `path.matchesGlob` exists (stable and silent on Node 24.21) but is experimental on the Node 22
 * releases package.json allows, and it skips dot-directories and expands braces: a dozen lines keep
 * the meaning fixed everywhere. Paths and patterns use `/`; backslashes are turned into it.
 */

/** A RegExp for one pattern, anchored at both ends. */
export function globToRegExp(pattern: string): RegExp {
  const glob = pattern.replaceAll('\\', '/').replace(/^\.\//, '')
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!
    if (char === '*' && glob[i + 1] === '*') {
      // `**/` is zero or more whole directories; a trailing or inner `**` anything at all.
      if (glob[i + 2] === '/') {
        source += '(?:.*/)?'
        i += 2
      } else {
        source += '.*'
        i += 1
      }
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

/** A predicate for paths matching any of `patterns`. */
export function globMatcher(patterns: readonly string[]): (file: string) => boolean {
  const compiled = patterns.map(globToRegExp)
  return (file) => {
    const normal = file.replaceAll('\\', '/')
    return compiled.some(re => re.test(normal))
  }
}
