export interface Check {
  status: 'pending' | 'ok' | 'failed'
  message?: string
}

/** What `/readyz` reports. The ready services themselves are never kept here (see boot). */
export interface Readiness {
  /** `degraded`: started, but storage faulted while running (API §2); `/readyz` answers 503. */
  status: 'starting' | 'ready' | 'degraded' | 'failed'
  checks: Record<string, Check>
}

export const STARTUP_CHECKS = ['database', 'migrations', 'signing_keys', 'bootstrap'] as const
export type CheckName = (typeof STARTUP_CHECKS)[number]

export function createReadiness(): Readiness {
  const checks: Record<string, Check> = {}
  for (const name of STARTUP_CHECKS) checks[name] = { status: 'pending' }
  return { status: 'starting', checks }
}

export function passCheck(readiness: Readiness, name: CheckName, message?: string): void {
  readiness.checks[name] = message ? { status: 'ok', message } : { status: 'ok' }
}

export function failCheck(readiness: Readiness, name: CheckName, message: string): void {
  readiness.checks[name] = { status: 'failed', message }
  readiness.status = 'failed'
}

/** A storage fault while running: `/readyz` names it under `database` until it clears. */
export function degradeStorage(readiness: Readiness, message: string): void {
  readiness.checks.database = { status: 'failed', message }
  if (readiness.status === 'ready') readiness.status = 'degraded'
}

export function recoverStorage(readiness: Readiness): void {
  readiness.checks.database = { status: 'ok' }
  if (readiness.status === 'degraded') readiness.status = 'ready'
}
