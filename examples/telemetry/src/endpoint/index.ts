import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import type { EndpointCounts, FailureMode } from './server.ts'
import type { EndpointRequest } from './worker.ts'

export type { EndpointCounts, FailureMode } from './server.ts'

/**
 * The telemetry endpoint, run in a worker thread on loopback (port 0), controlled from the test.
 *
 * Why a worker thread: the memory checks read the heap of the test's own V8 isolate. A server in
 * that isolate would put its side of every request (parsing the POST, JSON.parse of the batch, its
 * sockets) into the candidate's figures, and the budget would measure the endpoint as much as the
 * client. In production the endpoint is another machine; a worker thread is another isolate, with
 * a heap of its own that no reading sees, and it still takes a real HTTP request over a real socket.
 */
export interface Endpoint {
  /** Where to send batches: pass it as `telemetry.endpoint`. */
  url: string
  /** What the endpoint has accepted so far. */
  counts(): Promise<EndpointCounts>
  /** Zeroes the counts and stops failing. */
  reset(): Promise<void>
  /** 'status-500' answers every request with 500, 'destroy' cuts its socket, 'none' accepts again. */
  fail(mode: FailureMode): Promise<void>
  /** Closes the server and ends the worker thread. */
  close(): Promise<void>
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never

export async function startEndpoint(): Promise<Endpoint> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url))
  const pending = new Map<number, (result: unknown) => void>()
  let nextId = 1
  let failed: Error | undefined
  worker.on('error', (error) => {
    failed = error
    for (const settle of pending.values()) settle(undefined)
  })

  const [ready] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([error]) => Promise.reject(error))])) as [{ ready: string }]
  worker.on('message', (message: { id: number; result?: unknown }) => {
    pending.get(message.id)?.(message.result)
    pending.delete(message.id)
  })

  const call = <R>(request: Distribute<EndpointRequest>): Promise<R> => {
    if (failed) return Promise.reject(failed)
    const id = nextId++
    return new Promise<R>((resolve, reject) => {
      pending.set(id, (result) => (failed ? reject(failed) : resolve(result as R)))
      worker.postMessage({ ...request, id })
    })
  }

  return {
    url: ready.ready,
    counts: () => call<EndpointCounts>({ op: 'counts' }),
    reset: () => call<void>({ op: 'reset' }),
    fail: (mode) => call<void>({ op: 'fail', mode }),
    close: async () => {
      await call<void>({ op: 'close' })
      await worker.terminate()
    },
  }
}
