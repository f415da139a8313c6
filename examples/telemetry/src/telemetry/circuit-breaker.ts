/**
 * Protects the endpoint (and the client) from hammering a telemetry service that is down.
 *
 * - closed: requests go through; `failureThreshold` consecutive failures open the circuit.
 * - open: requests are refused (the batch is dropped and counted) until `cooldownMs` have passed.
 * - half-open: after the cooldown, one trial request goes through. Success closes the circuit,
 *   failure opens it for another cooldown.
 *
 * Time comes from `now`, so tests move the clock instead of waiting.
 */

export type CircuitState = 'closed' | 'open' | 'half-open'

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 3 */
  failureThreshold?: number
  /** How long the circuit stays open before a trial request, in ms. @default 30000 */
  cooldownMs?: number
  /** The clock, in ms. @default Date.now */
  now?: () => number
}

export class CircuitBreaker {
  readonly failureThreshold: number
  readonly cooldownMs: number
  readonly #now: () => number
  #failures = 0
  #openedAt = 0
  #open = false
  #trialInFlight = false

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 3
    this.cooldownMs = options.cooldownMs ?? 30_000
    this.#now = options.now ?? Date.now
  }

  get state(): CircuitState {
    if (!this.#open) return 'closed'
    return this.#now() - this.#openedAt >= this.cooldownMs ? 'half-open' : 'open'
  }

  /** Consecutive failures so far (0 once a request succeeds). */
  get failures(): number {
    return this.#failures
  }

  /**
   * Whether a request may go now. In half-open state only one may: it is the trial, and the
   * caller must report its outcome with `recordSuccess` or `recordFailure`.
   */
  allowRequest(): boolean {
    const state = this.state
    if (state === 'closed') return true
    if (state === 'open' || this.#trialInFlight) return false
    this.#trialInFlight = true
    return true
  }

  recordSuccess(): void {
    this.#failures = 0
    this.#open = false
    this.#trialInFlight = false
  }

  recordFailure(): void {
    this.#failures++
    const trialFailed = this.#trialInFlight
    this.#trialInFlight = false
    if (trialFailed || this.#failures >= this.failureThreshold) {
      this.#open = true
      this.#openedAt = this.#now()
    }
  }
}
