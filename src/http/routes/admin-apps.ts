import { Hono } from 'hono'
import {
  changeApp,
  registerApp,
  removeApp,
  type AppAdminDeps,
  type AppResult,
} from '../../auth/app-admin.js'
import { actorOf } from '../actor.js'
import { parseBody } from '../body.js'
import type { AppEnv } from '../env.js'
import type { Guards } from '../middleware/bearer.js'
import { appCreateBody, appSettingsOf, appUpdateBody } from '../schemas.js'
import { appView } from '../views.js'

export type AdminAppDeps = AppAdminDeps & { guards: Guards }

/** The secret appears in this one answer and never again (it is stored as an HMAC). */
const resultView = ({ app, clientSecret }: AppResult) => ({
  app: appView(app),
  ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
})

/** Apps and their access policies (API §11): a strong session of an enabled admin. */
export function adminAppRoutes(deps: AdminAppDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const { guards } = deps
  for (const path of ['/admin/apps', '/admin/apps/*'])
    routes.use(path, guards.bearer, guards.strong, guards.admin)

  routes.get('/admin/apps', (c) => c.json({ apps: deps.apps.list().map(appView) }))

  routes.post('/admin/apps', async (c) => {
    const body = await parseBody(c, appCreateBody)
    const actor = actorOf(c, body.current_password)
    return c.json(resultView(await registerApp(deps, body.name, appSettingsOf(body), actor)), 201)
  })

  routes.get('/admin/apps/:name', (c) =>
    c.json({ app: appView(deps.apps.requireApp(c.req.param('name'))) }),
  )

  routes.patch('/admin/apps/:name', async (c) => {
    const body = await parseBody(c, appUpdateBody)
    const actor = actorOf(c, body.current_password)
    return c.json(
      resultView(await changeApp(deps, c.req.param('name'), appSettingsOf(body), actor)),
    )
  })

  routes.delete('/admin/apps/:name', (c) => {
    removeApp(deps, c.req.param('name'), actorOf(c))
    return c.body(null, 204)
  })

  return routes
}
