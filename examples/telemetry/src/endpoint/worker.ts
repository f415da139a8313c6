import { parentPort } from 'node:worker_threads'
import { startEndpointServer } from './server.ts'

/**
 * Worker-thread entry: runs the endpoint server and answers the test's requests, posted by
 * index.ts as { id, op, mode? }, with { id, result }. Loaded by Node itself (type stripping), not
 * by Vitest: it uses only erasable TypeScript and `.ts` imports.
 */

export type EndpointRequest =
  | { id: number; op: 'counts' | 'reset' | 'close' }
  | { id: number; op: 'fail'; mode: 'none' | 'status-500' | 'destroy' }

const port = parentPort
if (!port) throw new Error('endpoint/worker.ts runs in a worker thread')

const server = await startEndpointServer()
port.on('message', async (request: EndpointRequest) => {
  switch (request.op) {
    case 'counts':
      port.postMessage({ id: request.id, result: server.counts() })
      break
    case 'reset':
      server.reset()
      port.postMessage({ id: request.id })
      break
    case 'fail':
      server.setFailure(request.mode)
      port.postMessage({ id: request.id })
      break
    case 'close':
      await server.close()
      port.postMessage({ id: request.id })
      port.close()
      break
  }
})
port.postMessage({ ready: server.url })
