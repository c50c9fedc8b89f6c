import { Hono } from 'hono'
import { addGroup, removeGroup, setMemberGroups } from '../../auth/group-admin.js'
import type { GroupAdminDeps } from '../../auth/group-admin.js'
import { userMethods } from '../../auth/household.js'
import type { DB } from '../../db/client.js'
import { actorOf } from '../actor.js'
import { parseBody } from '../body.js'
import type { AppEnv } from '../env.js'
import type { Guards } from '../middleware/bearer.js'
import { groupCreateBody, memberGroupsBody } from '../schemas.js'
import { adminUserView, groupView } from '../views.js'

export type AdminGroupDeps = GroupAdminDeps & { db: DB; guards: Guards }

/** Groups and memberships (API §11): a strong session of an enabled admin. */
export function adminGroupRoutes(deps: AdminGroupDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const { guards } = deps
  for (const path of ['/admin/groups', '/admin/groups/*', '/admin/users/:id/groups'])
    routes.use(path, guards.bearer, guards.strong, guards.admin)

  routes.get('/admin/groups', (c) => c.json({ groups: deps.groups.list().map(groupView) }))

  routes.post('/admin/groups', async (c) => {
    const body = await parseBody(c, groupCreateBody)
    return c.json({ group: groupView(addGroup(deps, body, actorOf(c))) }, 201)
  })

  routes.delete('/admin/groups/:name', (c) => {
    removeGroup(deps, c.req.param('name'), actorOf(c))
    return c.body(null, 204)
  })

  routes.put('/admin/users/:id/groups', async (c) => {
    const body = await parseBody(c, memberGroupsBody)
    const id = c.req.param('id')
    const groups = setMemberGroups(deps, id, body.groups, actorOf(c))
    const user = deps.users.findById(id)!
    return c.json({ user: adminUserView(user, userMethods(deps.db, user), groups) })
  })

  return routes
}
