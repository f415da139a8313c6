import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { AnalysisRequest, AnalysisResult } from './analyse.ts'

// The thread's entry sits next to this module, as .ts in the repo and .js once built. A path, not
// `new URL('./…', import.meta.url)`: Vite rewrites that pattern as an asset URL (an http: one) when it
// transforms this file for a DOM test environment (jsdom, happy-dom).
const here = fileURLToPath(import.meta.url)
const entry = path.join(path.dirname(here), `analysis-thread${path.extname(here)}`)

/** Runs the snapshot analysis in a worker thread and resolves with its result. */
export function analyseInThread(request: AnalysisRequest): Promise<AnalysisResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: request })
    worker.once('message', (result: AnalysisResult) => {
      resolve(result)
      void worker.terminate()
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the heap snapshot analysis thread exited with code ${code}`))
    })
  })
}
