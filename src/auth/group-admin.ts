import type { Audit } from './audit.js'
import type { Groups } from './groups.js'
import type { Actor } from './household.js'
import { requireUser } from './household.js'
import type { Users } from './users.js'

/**
 * The admin acts on groups (API §11), one use case each, for the API, the web UI and the
 * CLI alike. Groups give access to apps but no power here, so they need no recent sign-in.
 */
export interface GroupAdminDeps {
  groups: Groups
  users: Users
  audit: Audit
}

export function addGroup(
  deps: GroupAdminDeps,
  input: { name: string; description?: string | undefined },
  actor: Actor,
) {
  const group = deps.groups.add(input.name, input.description)
  deps.audit.record({
    type: 'group.created',
    actorId: actor.id,
    context: actor.context,
    detail: { group: group.name },
  })
  return group
}

export function removeGroup(deps: GroupAdminDeps, name: string, actor: Actor): void {
  deps.groups.remove(name)
  deps.audit.record({
    type: 'group.removed',
    actorId: actor.id,
    context: actor.context,
    detail: { group: name },
  })
}

/**
 * Replaces a person's groups. Their current access tokens keep the old list until they
 * expire (minutes); the next refresh carries the new one.
 */
export function setMemberGroups(
  deps: GroupAdminDeps,
  userId: string,
  names: readonly string[],
  actor: Actor,
): string[] {
  requireUser(deps, userId)
  const groups = deps.groups.setForUser(userId, names)
  deps.audit.record({
    type: 'user.groups_changed',
    userId,
    actorId: actor.id,
    context: actor.context,
    detail: { groups },
  })
  return groups
}
