import { Hono } from 'hono'
import { z } from 'zod'
import { unlockUser } from '../../auth/admin.js'
import {
  addMember,
  adminView,
  deleteMember,
  issueMemberResetCode,
  requireUser,
  revokeMemberSessions,
  updateMember,
  type Actor,
} from '../../auth/household.js'
import { invalidRequest } from '../../errors.js'
import { parseBody } from '../body.js'
import { bearer, requireAdmin, requireStrongSession } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'
import type { Context } from 'hono'

const role = z.enum(['admin', 'member'])
const createBody = z.object({
  username: z.string().min(1).max(256),
  display_name: z.string().max(64).optional(),
  role: role.optional(),
  password: z.string().min(1).max(1024).optional(),
})
const updateBody = z
  .object({
    role: role.optional(),
    disabled: z.boolean().optional(),
    display_name: z.string().max(64).optional(),
  })
  .strict()
const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
})

const actorOf = (c: Context<AppEnv>): Actor => ({
  id: c.get('access').sub,
  context: requestContext(c),
})

/** The admin area: a strong session of an enabled admin (API §7). */
export function adminRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.use('/admin/*', bearer(), requireStrongSession(), requireAdmin())

  routes.get('/admin/users', (c) => {
    const { db, users } = c.get('services')
    return c.json({ users: users.list().map((u) => adminView(db, u)) })
  })

  routes.post('/admin/users', async (c) => {
    const body = await parseBody(c, createBody)
    const services = c.get('services')
    const { user, resetCode } = await addMember(
      services,
      {
        username: body.username,
        displayName: body.display_name,
        role: body.role,
        password: body.password,
      },
      actorOf(c),
    )
    return c.json(
      {
        user: adminView(services.db, user),
        ...(resetCode
          ? {
              reset_code: resetCode.code,
              reset_code_expires_at: new Date(resetCode.expiresAt * 1000).toISOString(),
            }
          : {}),
      },
      201,
    )
  })

  routes.get('/admin/users/:id', (c) => {
    const services = c.get('services')
    return c.json({ user: adminView(services.db, requireUser(services, c.req.param('id'))) })
  })

  routes.patch('/admin/users/:id', async (c) => {
    const body = await parseBody(c, updateBody)
    if (Object.keys(body).length === 0)
      throw invalidRequest('body: send role, disabled or display_name')
    const services = c.get('services')
    const user = updateMember(
      services,
      c.req.param('id'),
      { role: body.role, disabled: body.disabled, displayName: body.display_name },
      actorOf(c),
    )
    return c.json({ user: adminView(services.db, user) })
  })

  routes.delete('/admin/users/:id', (c) => {
    deleteMember(c.get('services'), c.req.param('id'), actorOf(c))
    return c.body(null, 204)
  })

  routes.post('/admin/users/:id/reset-code', (c) =>
    c.json(issueMemberResetCode(c.get('services'), c.req.param('id'), actorOf(c))),
  )

  routes.post('/admin/users/:id/unlock', (c) => {
    unlockUser(c.get('services'), c.req.param('id'), c.get('access').sub, requestContext(c))
    return c.body(null, 204)
  })

  routes.delete('/admin/users/:id/sessions', (c) => {
    revokeMemberSessions(c.get('services'), c.req.param('id'), actorOf(c))
    return c.body(null, 204)
  })

  routes.get('/admin/audit', (c) => {
    const query = auditQuery.safeParse(c.req.query())
    if (!query.success) throw invalidRequest('limit/before: must be whole numbers (limit 1–200)')
    return c.json(c.get('services').audit.page(query.data))
  })

  return routes
}
