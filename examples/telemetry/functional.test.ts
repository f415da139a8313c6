import { createHook } from 'node:async_hooks'
import path from 'node:path'
import { beforeEach, describe, expect, test } from 'vitest'
import { connect } from './src/client/index.ts'
import { BoundedQueue, CircuitBreaker, Telemetry } from './src/telemetry/index.ts'
import { SQL, useWorkload } from './workload.ts'

/**
 * What the client and its telemetry do, apart from memory: every event reaches the endpoint, closing
 * releases everything, a failing endpoint opens the circuit and a recovered one closes it again.
 * Time in the circuit breaker comes from a clock the tests move: nothing here waits for a cooldown.
 */

const workload = useWorkload()

beforeEach(() => workload.endpoint.reset())

/**
 * Tracks the timers and TCP sockets this example's code creates from now on (those with a file of
 * src/ on the stack that made them: Vitest's own timers are not ours); `alive()` lists those not
 * yet destroyed. Telemetry's flush timer and idle keep-alive socket are unref'd (they never keep a
 * process alive), so process.getActiveResourcesInfo() does not list them; async_hooks sees them.
 */
function trackTimersAndSockets(): { alive(): Promise<string[]>; stop(): void } {
  const ours = `${path.sep}examples${path.sep}telemetry${path.sep}src${path.sep}`
  const alive = new Map<number, string>()
  const createdByUs = (): boolean => {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 50 // a socket is made a dozen frames below the http.request() call
    const stack = new Error().stack ?? ''
    Error.stackTraceLimit = limit
    return stack.includes(ours)
  }
  const hook = createHook({
    init: (id, type) => {
      if ((type === 'Timeout' || type === 'TCPWRAP') && createdByUs()) alive.set(id, type)
    },
    destroy: (id) => {
      alive.delete(id)
    },
  })
  hook.enable()
  return {
    // Destroy hooks of closed handles are delivered on a later turn of the event loop.
    alive: async () => {
      await new Promise((resolve) => setImmediate(resolve))
      return [...new Set(alive.values())].sort()
    },
    stop: () => hook.disable(),
  }
}

describe('client', () => {
  test('queries run against the SQLite database', async () => {
    const conn = await connect({ database: workload.database.path, telemetry: false })
    expect(await conn.query(SQL)).toEqual([{ test: 1, msg: 'hello', num: 42 }])
    expect(await conn.query('SELECT count(*) AS n, max(price) AS top FROM products WHERE price > ?', 100)).toEqual([{ n: 20, top: 125 }])
    await expect(conn.query('SELECT * FROM missing')).rejects.toThrow(/no such table/)
    await conn.close()
    await expect(conn.query(SQL)).rejects.toThrow(/closed/)
  })

  test('with telemetry off, nothing of telemetry exists and nothing is sent', async () => {
    const tracker = trackTimersAndSockets()
    try {
      const conn = await connect({ database: workload.database.path, telemetry: false })
      for (let i = 0; i < 5; i++) await conn.query(SQL)
      expect(conn.telemetry).toBeUndefined()
      expect(await tracker.alive()).toEqual([]) // no flush timer, no socket
      await conn.close()
    } finally {
      tracker.stop()
    }
    expect((await workload.endpoint.counts()).requests).toBe(0)
  })
})

describe('telemetry', () => {
  test('the endpoint receives every event of every connection cycle', async () => {
    const cycles = 10
    for (let c = 0; c < cycles; c++) {
      const conn = await connect({ database: workload.database.path, telemetry: { endpoint: workload.endpoint.url, batchSize: 5 } })
      for (let i = 0; i < 5; i++) await conn.query(SQL)
      await conn.close()
      expect(conn.telemetry).toEqual({ recorded: 7, sent: 7, batches: 2, failed: 0, rejected: 0, dropped: 0, circuit: 'closed' })
    }
    expect(await workload.endpoint.counts()).toEqual({
      requests: 2 * cycles,
      batches: 2 * cycles,
      events: 7 * cycles,
      byType: { 'session.open': cycles, query: 5 * cycles, 'session.close': cycles },
      refused: 0,
      clientDropped: 0,
    })
  })

  test('failed queries are reported with their error', async () => {
    const conn = await connect({ database: workload.database.path, telemetry: { endpoint: workload.endpoint.url } })
    await expect(conn.query('SELECT nope FROM products')).rejects.toThrow(/no such column/)
    await conn.close()
    expect(conn.telemetry).toMatchObject({ recorded: 3, sent: 3, batches: 1 })
    expect((await workload.endpoint.counts()).byType).toEqual({ 'session.open': 1, query: 1, 'session.close': 1 })
  })

  test('the flush timer sends queued events without waiting for close', async () => {
    const conn = await connect({ database: workload.database.path, telemetry: { endpoint: workload.endpoint.url, batchSize: 100, flushIntervalMs: 10 } })
    await conn.query(SQL)
    await expect.poll(async () => (await workload.endpoint.counts()).events, { timeout: 2000, interval: 10 }).toBe(2)
    await conn.close()
    expect((await workload.endpoint.counts()).events).toBe(3)
  })

  test('close() leaves no timer and no socket behind', async () => {
    const tracker = trackTimersAndSockets()
    try {
      const conn = await connect({ database: workload.database.path, telemetry: { endpoint: workload.endpoint.url, batchSize: 2 } })
      for (let i = 0; i < 5; i++) await conn.query(SQL)
      await expect.poll(() => tracker.alive()).toEqual(['TCPWRAP', 'Timeout']) // the flush timer, the keep-alive socket
      await conn.close()
      expect(await tracker.alive()).toEqual([])
    } finally {
      tracker.stop()
    }
  })

  test('a full queue drops the oldest events and tells the endpoint how many', async () => {
    const telemetry = new Telemetry({ endpoint: workload.endpoint.url, batchSize: 100, maxQueue: 3 })
    for (let i = 0; i < 5; i++) telemetry.queryCompleted('s1', `SELECT ${i}`, 1, 1)
    await telemetry.close()
    expect(telemetry.stats).toMatchObject({ recorded: 5, sent: 3, dropped: 2 })
    expect(await workload.endpoint.counts()).toMatchObject({ events: 3, clientDropped: 2 })
  })
})

describe('circuit breaker', () => {
  test('opens after consecutive failures, half-opens after the cooldown, closes on success', async () => {
    let now = 0
    const telemetry = new Telemetry({ endpoint: workload.endpoint.url, batchSize: 100, breaker: { failureThreshold: 3, cooldownMs: 30_000, now: () => now } })
    const sendOne = async () => {
      telemetry.queryCompleted('s1', SQL, 1, 1)
      await telemetry.flush()
    }

    await workload.endpoint.fail('status-500')
    for (let i = 0; i < 3; i++) await sendOne()
    expect(telemetry.stats).toMatchObject({ failed: 3, circuit: 'open' })
    expect((await workload.endpoint.counts()).requests).toBe(3)

    // Open: batches are refused without a request.
    await sendOne()
    expect(telemetry.stats).toMatchObject({ rejected: 1, circuit: 'open' })
    expect((await workload.endpoint.counts()).requests).toBe(3)

    now += 29_999
    expect(telemetry.stats.circuit).toBe('open')
    now += 1
    expect(telemetry.stats.circuit).toBe('half-open')

    // The trial request succeeds: closed again, and batches flow.
    await workload.endpoint.fail('none')
    await sendOne()
    await sendOne()
    expect(telemetry.stats).toMatchObject({ sent: 2, batches: 2, circuit: 'closed' })
    expect(await workload.endpoint.counts()).toMatchObject({ requests: 5, batches: 2, refused: 3, clientDropped: 4 })
    await telemetry.close()
  })

  test('a failed trial opens the circuit again; a cut connection counts as a failure', async () => {
    let now = 0
    const telemetry = new Telemetry({ endpoint: workload.endpoint.url, batchSize: 100, breaker: { failureThreshold: 2, cooldownMs: 1000, now: () => now } })
    await workload.endpoint.fail('destroy')
    for (let i = 0; i < 2; i++) {
      telemetry.sessionOpened(`s${i}`)
      await telemetry.flush()
    }
    expect(telemetry.stats).toMatchObject({ failed: 2, circuit: 'open' })

    now += 1000
    telemetry.sessionOpened('s2')
    await telemetry.flush()
    expect(telemetry.stats).toMatchObject({ failed: 3, circuit: 'open' })
    now += 999
    expect(telemetry.stats.circuit).toBe('open')
    now += 1
    expect(telemetry.stats.circuit).toBe('half-open')
    await telemetry.close()
  })

  test('in half-open state, one trial at a time', () => {
    let now = 0
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 10, now: () => now })
    expect(breaker.allowRequest()).toBe(true)
    breaker.recordFailure()
    expect(breaker.allowRequest()).toBe(false)
    now = 10
    expect(breaker.allowRequest()).toBe(true) // the trial
    expect(breaker.allowRequest()).toBe(false) // a second one waits for its outcome
    breaker.recordSuccess()
    expect(breaker.state).toBe('closed')
    expect(breaker.failures).toBe(0)
  })
})

describe('bounded queue', () => {
  test('drop-oldest keeps the newest items', () => {
    const queue = new BoundedQueue<number>(3, 'drop-oldest')
    for (let i = 1; i <= 5; i++) queue.push(i)
    expect(queue.dropped).toBe(2)
    expect(queue.take(10)).toEqual([3, 4, 5])
  })

  test('drop-newest keeps the oldest items', () => {
    const queue = new BoundedQueue<number>(3, 'drop-newest')
    for (let i = 1; i <= 5; i++) queue.push(i)
    expect(queue.dropped).toBe(2)
    expect(queue.take(2)).toEqual([1, 2])
    queue.push(6)
    expect(queue.take(10)).toEqual([3, 6])
    expect(queue.size).toBe(0)
  })
})
