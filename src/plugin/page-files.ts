import { existsSync } from 'node:fs'
import path from 'node:path'
import type { PageFiles } from '../engine/cdp-probe.ts'
import { browserSetupFile } from './setup-files.ts'

/**
 * The files behind a browser page's script URLs, as Vite's dev server names them: a file under the
 * server's root by its path from there (`/src/list.ts`), any other by `/@fs/` and its absolute path
 * or by that path alone;
 * a query (`?v=1a2b`, `?import`) is not part of the file. URLs of no file (`debugger://`, an
 * evaluated script's '') stay as they are. The tool's own frames are the page's runner, in the
 * browser setup file.
 */
export function pageFiles(root: string): PageFiles {
  return {
    fileOf: (url) => fileOfPageUrl(url, root),
    isTool: (file) => file === browserSetupFile,
  }
}

export function fileOfPageUrl(url: string, root: string): string {
  if (!url.startsWith('http://') && !url.startsWith('https://')) return url
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(url).pathname)
  } catch {
    return url
  }
  if (pathname.startsWith('/@fs/')) {
    const file = pathname.slice('/@fs'.length)
    // `/@fs/C:/dir/file.ts` on Windows.
    return /^\/[A-Za-z]:\//.test(file) ? path.normalize(file.slice(1)) : path.normalize(file)
  }
  // Vite also serves a file outside its root by its absolute path, as Vitest imports setup files.
  const underRoot = path.join(root, pathname)
  return !existsSync(underRoot) && existsSync(pathname) ? path.normalize(pathname) : underRoot
}
