import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { AuditEvent } from './auth/audit.js'

export type Metrics = ReturnType<typeof createMetrics>

/** What the gauges read at scrape time, once start-up has built it. */
export interface MetricSources {
  hashQueue: { depth(): number; running(): number }
  sessions: { countActive(): number }
}

/**
 * Prometheus series of API §9, in a registry of their own (one per app, so tests and
 * benchmarks may build many). Gauges read their sources lazily at scrape time; until start-up
 * has attached them they read 0.
 */
export function createMetrics() {
  let sources: MetricSources | null = null
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'hail_mary_auth_' })
  const httpRequests = new Counter({
    name: 'hail_mary_auth_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  })
  const httpDuration = new Histogram({
    name: 'hail_mary_auth_http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  const loginAttempts = new Counter({
    name: 'hail_mary_auth_login_attempts_total',
    help: 'Sign-in attempts by method and result (succeeded, failed, blocked, mfa_required)',
    labelNames: ['method', 'result'] as const,
    registers: [registry],
  })
  const rateLimitBlocks = new Counter({
    name: 'hail_mary_auth_rate_limit_blocks_total',
    help: 'Requests refused with 429 because a rate-limit block was in force, by method',
    labelNames: ['method'] as const,
    registers: [registry],
  })
  new Gauge({
    name: 'hail_mary_auth_hash_queue_depth',
    help: 'argon2 computations waiting for a slot',
    registers: [registry],
    collect() {
      this.set(sources?.hashQueue.depth() ?? 0)
    },
  })
  new Gauge({
    name: 'hail_mary_auth_hash_running',
    help: 'argon2 computations running',
    registers: [registry],
    collect() {
      this.set(sources?.hashQueue.running() ?? 0)
    },
  })
  new Gauge({
    name: 'hail_mary_auth_active_sessions',
    help: 'Sessions neither revoked nor expired',
    registers: [registry],
    collect() {
      this.set(sources?.sessions.countActive() ?? 0)
    },
  })

  // Route patterns, methods and statuses make few series: each keeps its labelled child, whose
  // label hash prom-client then computes once instead of twice per request.
  const requestSeries = new Map<
    string,
    { count: { inc(): void }; duration: { observe(value: number): void } }
  >()

  return {
    registry,
    attach(ready: MetricSources): void {
      sources = ready
    },
    observeRequest(route: string, method: string, status: number, seconds: number): void {
      const key = `${route} ${method} ${status}`
      let series = requestSeries.get(key)
      if (!series) {
        const labels = { route, method, status: String(status) }
        series = { count: httpRequests.labels(labels), duration: httpDuration.labels(labels) }
        if (requestSeries.size < 1000) requestSeries.set(key, series)
      }
      series.count.inc()
      series.duration.observe(seconds)
    },
    /** Sign-in outcomes come from the audit events, so the two never disagree. */
    observeAudit(event: AuditEvent): void {
      const match = /^login\.(succeeded|failed|blocked|mfa_required)$/.exec(event.type)
      if (!match) return
      const method = String(event.detail?.method ?? 'unknown')
      loginAttempts.inc({ method, result: match[1]! })
      if (match[1] === 'blocked') rateLimitBlocks.inc({ method })
    },
  }
}
