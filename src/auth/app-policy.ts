import type { AppRow } from './apps.js'
import { isPinOnly } from './session-strength.js'
import type { UserRow } from './users.js'

export type AppAccess = 'allowed' | 'outside_groups' | 'too_weak'

/**
 * An app's access policy (API §11), the one rule the OIDC provider and forward auth ask.
 * `outside_groups` is checked first: signing in more strongly would not help such a person.
 * `too_weak` asks for a stronger sign-in: a PIN-only session on an app without `allow_pin`,
 * or an app with `require_mfa` and no `mfa` in the session's amr (a second factor was used).
 * A disabled person is never allowed (answered as `outside_groups`: no sign-in would help).
 */
export function checkAppAccess(
  app: Pick<AppRow, 'groups' | 'allowPin' | 'requireMfa'>,
  who: { user: Pick<UserRow, 'disabled'>; groups: readonly string[]; amr: readonly string[] },
): AppAccess {
  if (who.user.disabled) return 'outside_groups'
  if (app.groups.length > 0 && !app.groups.some((group) => who.groups.includes(group))) {
    return 'outside_groups'
  }
  if (isPinOnly(who.amr) && !app.allowPin) return 'too_weak'
  if (app.requireMfa && !who.amr.includes('mfa')) return 'too_weak'
  return 'allowed'
}
