import type { AppSettings } from './app-input.js'
import type { AppRow, Apps } from './apps.js'
import type { Audit } from './audit.js'
import type { Actor } from './household.js'
import { assertRecentSignIn, type RecentSignInDeps } from './recent-sign-in.js'

/**
 * The admin acts on apps (API §11). Registering or changing an app decides who may reach
 * another service and where codes are sent, so it needs a recent sign-in (API §7); removing
 * one only closes a door and does not.
 */
export interface AppAdminDeps extends RecentSignInDeps {
  apps: Apps
  audit: Audit
}

export type AppResult = { app: AppRow; clientSecret?: string }

async function assertActorRecent(deps: AppAdminDeps, actor: Actor): Promise<void> {
  if (actor.id !== null) await assertRecentSignIn(deps, actor.user, actor.proof, actor.context)
}

/** What the audit log keeps of an app: its policy, never its secret. */
const policyOf = (app: AppRow) => ({
  app: app.name,
  client: app.clientId === null ? 'none' : app.public ? 'public' : 'confidential',
  groups: app.groups,
  allow_pin: app.allowPin,
  require_mfa: app.requireMfa,
})

function record(deps: AppAdminDeps, type: string, actor: Actor, detail: object): void {
  deps.audit.record({ type, actorId: actor.id, context: actor.context, detail: { ...detail } })
}

export async function registerApp(
  deps: AppAdminDeps,
  name: string,
  settings: Partial<AppSettings>,
  actor: Actor,
): Promise<AppResult> {
  await assertActorRecent(deps, actor)
  const result = deps.apps.add(name, settings)
  record(deps, 'app.created', actor, policyOf(result.app))
  return result
}

export async function changeApp(
  deps: AppAdminDeps,
  name: string,
  changes: Partial<AppSettings>,
  actor: Actor,
): Promise<AppResult> {
  deps.apps.requireApp(name) // 404 before asking for a recent sign-in
  await assertActorRecent(deps, actor)
  const result = deps.apps.update(name, changes)
  record(deps, 'app.changed', actor, policyOf(result.app))
  return result
}

export function removeApp(deps: AppAdminDeps, name: string, actor: Actor): void {
  deps.apps.remove(name)
  record(deps, 'app.removed', actor, { app: name })
}
