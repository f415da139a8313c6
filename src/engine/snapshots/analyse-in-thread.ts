import { Worker } from 'node:worker_threads'
import type { AnalysisRequest, AnalysisResult } from './analyse.ts'

// The thread's entry sits next to this module, as .ts in the repo and .js once built.
const entry = new URL(`./analysis-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

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
