import { Hono } from 'hono'
import { setOwnEmail, type EmailDeps } from '../../auth/email.js'
import type { Groups } from '../../auth/groups.js'
import { countPasskeys } from '../../auth/passkey-store.js'
import type { Sessions } from '../../auth/sessions.js'
import type { UserRow } from '../../auth/users.js'
import { parseBody } from '../body.js'
import { requestContext, type AppEnv } from '../env.js'
import type { Guards } from '../middleware/bearer.js'
import { emailBody } from '../schemas.js'
import { meView } from '../views.js'

export type MeDeps = EmailDeps & {
  guards: Guards
  groups: Pick<Groups, 'namesOf'>
  sessions: Pick<Sessions, 'liveMember'>
}

/**
 * `GET /v1/me`: the one bearer route a PIN-only session may read (API §5). `PATCH /v1/me`
 * sets the person's email: not a way to sign in, so a strong session suffices (no recent
 * sign-in); the address then counts as unverified (API §7).
 */
export function meRoutes(deps: MeDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const view = (user: UserRow) =>
    meView(user, deps.groups.namesOf(user.id), countPasskeys(deps.db, user.id))

  // The bearer check and everything the answer shows in one statement (liveMember): the
  // busiest bearer route, asked by every app that shows who is signed in.
  const liveMember = ({ sid, sub }: { sid: string; sub: string }) =>
    deps.sessions.liveMember(sid, sub)
  routes.get('/me', async (c) => {
    const { user, groups, passkeys } = await deps.guards.authenticate(c, liveMember)
    return c.json(meView(user, groups, passkeys))
  })

  routes.patch('/me', deps.guards.bearer, deps.guards.strong, async (c) => {
    const body = await parseBody(c, emailBody)
    return c.json(view(setOwnEmail(deps, c.get('user'), body.email, requestContext(c))))
  })

  return routes
}
