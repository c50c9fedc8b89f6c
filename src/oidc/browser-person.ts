import type { AMR } from '../auth/access-tokens.js'
import { checkAppAccess } from '../auth/app-policy.js'
import type { AppRow } from '../auth/apps.js'
import type { Groups } from '../auth/groups.js'
import { parseAMR } from '../auth/session-strength.js'
import type { SessionRow, Sessions } from '../auth/sessions.js'
import type { UserRow, Users } from '../auth/users.js'

/** The person signed in to the web UI in this browser, as the OIDC provider needs them. */
export interface BrowserPerson {
  user: UserRow
  session: SessionRow
  amr: AMR[]
  groups: string[]
}

export type BrowserPersonOf = (sessionCookie: string | null | undefined) => BrowserPerson | null

/**
 * Resolves the web UI's session cookie (a refresh token, peeked, never rotated) to its live
 * session and enabled user: the one sign-in that the provider's authorizations follow.
 */
export function createBrowserPersonOf(deps: {
  sessions: Pick<Sessions, 'peek'>
  users: Pick<Users, 'findById'>
  groups: Pick<Groups, 'namesOf'>
}): BrowserPersonOf {
  return function browserPersonOf(sessionCookie) {
    const session = sessionCookie ? deps.sessions.peek(sessionCookie) : null
    const user = session ? deps.users.findById(session.userId) : null
    if (!session || !user || user.disabled) return null
    return { user, session, amr: parseAMR(session.amr), groups: deps.groups.namesOf(user.id) }
  }
}

/** The app's policy (API §11) applied to this person: allowed, outside its groups, too weak. */
export const accessOf = (app: AppRow, person: BrowserPerson) =>
  checkAppAccess(app, { user: person.user, groups: person.groups, amr: person.amr })
