import type { Services } from './services.js'

export interface Check {
  status: 'pending' | 'ok' | 'failed'
  message?: string
}

/** What `/readyz` reports; `services` is set only once every start-up step has passed. */
export interface Readiness {
  status: 'starting' | 'ready' | 'failed'
  checks: Record<string, Check>
  services: Services | null
}

export const STARTUP_CHECKS = ['database', 'migrations', 'signing_keys', 'bootstrap'] as const
export type CheckName = (typeof STARTUP_CHECKS)[number]

export function createReadiness(): Readiness {
  const checks: Record<string, Check> = {}
  for (const name of STARTUP_CHECKS) checks[name] = { status: 'pending' }
  return { status: 'starting', checks, services: null }
}

export function passCheck(readiness: Readiness, name: CheckName, message?: string): void {
  readiness.checks[name] = message ? { status: 'ok', message } : { status: 'ok' }
}

export function failCheck(readiness: Readiness, name: CheckName, message: string): void {
  readiness.checks[name] = { status: 'failed', message }
  readiness.status = 'failed'
}
