import { Hono } from 'hono'
import { unlockUser } from '../../auth/admin.js'
import type { Groups } from '../../auth/groups.js'
import {
  addMember,
  deleteMember,
  issueMemberResetCode,
  requireUser,
  revokeMemberSessions,
  updateMember,
  userMethods,
} from '../../auth/household.js'
import type { UserRow } from '../../auth/users.js'
import { invalidRequest } from '../../errors.js'
import { parseBody, parseOptionalBody } from '../body.js'
import { actorOf } from '../actor.js'
import type { DepsOf } from '../deps-of.js'
import type { Guards } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'
import { auditQuery, memberCreateBody, memberUpdateBody, reauthBody } from '../schemas.js'
import { adminUserView, auditPageView, isoTime } from '../views.js'

export type AdminRouteDeps = DepsOf<typeof addMember> &
  DepsOf<typeof unlockUser> & { guards: Guards; groups: Pick<Groups, 'namesOf'> }

/** The admin area: a strong session of an enabled admin (API §7). */
export function adminRoutes(deps: AdminRouteDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const { guards } = deps
  routes.use('/admin/*', guards.bearer, guards.strong, guards.admin)
  const view = (user: UserRow) =>
    adminUserView(user, userMethods(deps.db, user), deps.groups.namesOf(user.id))

  routes.get('/admin/users', (c) => c.json({ users: deps.users.list().map(view) }))

  routes.post('/admin/users', async (c) => {
    const body = await parseBody(c, memberCreateBody)
    const input = {
      username: body.username,
      displayName: body.display_name,
      role: body.role,
      password: body.password,
    }
    const { user, resetCode } = await addMember(deps, input, actorOf(c, body.current_password))
    const code = resetCode
      ? { reset_code: resetCode.code, reset_code_expires_at: isoTime(resetCode.expiresAt) }
      : {}
    return c.json({ user: view(user), ...code }, 201)
  })

  routes.get('/admin/users/:id', (c) =>
    c.json({ user: view(requireUser(deps, c.req.param('id'))) }),
  )

  routes.patch('/admin/users/:id', async (c) => {
    const body = await parseBody(c, memberUpdateBody)
    const changes = {
      role: body.role,
      disabled: body.disabled,
      displayName: body.display_name,
      email: body.email,
    }
    if (Object.values(changes).every((v) => v === undefined))
      throw invalidRequest('body: send role, disabled, display_name or email', 'body')
    const actor = actorOf(c, body.current_password)
    return c.json({ user: view(await updateMember(deps, c.req.param('id'), changes, actor)) })
  })

  routes.delete('/admin/users/:id', (c) => {
    deleteMember(deps, c.req.param('id'), actorOf(c))
    return c.body(null, 204)
  })

  routes.post('/admin/users/:id/reset-code', async (c) => {
    const body = await parseOptionalBody(c, reauthBody)
    const actor = actorOf(c, body.current_password)
    const { code, expiresAt } = await issueMemberResetCode(deps, c.req.param('id'), actor)
    return c.json({ code, expires_at: isoTime(expiresAt) })
  })

  routes.post('/admin/users/:id/unlock', (c) => {
    unlockUser(deps, c.req.param('id'), c.get('user').id, requestContext(c))
    return c.body(null, 204)
  })

  routes.delete('/admin/users/:id/sessions', (c) => {
    revokeMemberSessions(deps, c.req.param('id'), actorOf(c))
    return c.body(null, 204)
  })

  routes.get('/admin/audit', (c) => {
    const query = auditQuery.safeParse(c.req.query())
    if (!query.success)
      throw invalidRequest('limit/before: must be whole numbers (limit 1–200)', 'limit')
    return c.json(auditPageView(deps.audit.page(query.data)))
  })

  return routes
}
