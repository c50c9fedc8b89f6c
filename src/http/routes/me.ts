import { Hono } from 'hono'
import { setOwnEmail, type EmailDeps } from '../../auth/email.js'
import type { Groups } from '../../auth/groups.js'
import { userMethods } from '../../auth/household.js'
import type { UserRow } from '../../auth/users.js'
import { parseBody } from '../body.js'
import { requestContext, type AppEnv } from '../env.js'
import type { Guards } from '../middleware/bearer.js'
import { emailBody } from '../schemas.js'
import { memberFactsView, methodsView, publicUser } from '../views.js'

export type MeDeps = EmailDeps & { guards: Guards; groups: Pick<Groups, 'namesOf'> }

/**
 * `GET /v1/me`: the one bearer route a PIN-only session may read (API §5). `PATCH /v1/me`
 * sets the person's email: not a way to sign in, so a strong session suffices (no recent
 * sign-in); the address then counts as unverified (API §7).
 */
export function meRoutes(deps: MeDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const view = (user: UserRow) => ({
    ...publicUser(user),
    ...memberFactsView(user, deps.groups.namesOf(user.id)),
    methods: methodsView(userMethods(deps.db, user)),
  })

  routes.get('/me', deps.guards.bearer, (c) => c.json(view(c.get('user'))))

  routes.patch('/me', deps.guards.bearer, deps.guards.strong, async (c) => {
    const body = await parseBody(c, emailBody)
    return c.json(view(setOwnEmail(deps, c.get('user'), body.email, requestContext(c))))
  })

  return routes
}
