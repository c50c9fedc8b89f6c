import type { DB } from '../db/client.js'
import { apps } from '../db/schema.js'
import { checkAppAccess } from './app-policy.js'
import type { AppRow } from './apps.js'
import { servesHost, type ProxyPerson, type ProxySessions } from './proxy-sessions.js'

export type AppPolicy = Pick<AppRow, 'name' | 'groups' | 'allowPin' | 'requireMfa'>

/** The answer forward auth gives a proxy (API §13), before HTTP shapes it. */
export type ForwardAuthDecision =
  | { kind: 'unknown_app' }
  | { kind: 'sign_in' }
  | { kind: 'forbidden' }
  | { kind: 'allowed'; person: ProxyPerson; groups: string[] }

export type AppsByHost = ReturnType<typeof createAppsByHost>

/**
 * The app that serves a host name, by its `domains` (a JSON array: SQLite's json_each reads
 * it, a household has a handful of apps). Read per request, so an app added or changed by
 * the CLI or the admin pages applies at once.
 */
export function createAppsByHost(db: DB) {
  const byHost = db
    .select({
      name: apps.name,
      groups: apps.groups,
      allowPin: apps.allowPin,
      requireMfa: apps.requireMfa,
    })
    .from(apps)
    .where(servesHost)
    .prepare()
  return {
    find(host: string): AppPolicy | null {
      const row = byHost.get({ host })
      return row ? { ...row, groups: JSON.parse(row.groups) as string[] } : null
    },
  }
}

/** Whether `host` is the cookie domain or under it. */
export const isUnderDomain = (host: string, domain: string) =>
  host === domain || host.endsWith(`.${domain}`)

/**
 * The one decision for a proxied request: the target host must be an app's domain under the
 * cookie domain; the app's policy (checkAppAccess, the rule the OIDC provider asks too)
 * decides the rest. A session too weak for the app is told to sign in, like no session.
 */
export function decideForwardAuth(
  deps: { cookieDomain: string; proxySessions: Pick<ProxySessions, 'forHost'> },
  input: { host: string; token: string | null },
): ForwardAuthDecision {
  if (!isUnderDomain(input.host, deps.cookieDomain)) return { kind: 'unknown_app' }
  const { app, person, groups } = deps.proxySessions.forHost(input.host, input.token)
  if (!app) return { kind: 'unknown_app' }
  if (!person) return { kind: 'sign_in' }
  const access = checkAppAccess(app, { user: person, groups, amr: person.amr })
  if (access === 'outside_groups') return { kind: 'forbidden' }
  if (access === 'too_weak') return { kind: 'sign_in' }
  return { kind: 'allowed', person, groups }
}
