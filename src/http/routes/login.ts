import { Hono } from 'hono'
import { redeemSetupCode } from '../../auth/first-admin.js'
import { loginWithPassword } from '../../auth/password-login.js'
import { parseBody } from '../body.js'
import type { DepsOf } from '../deps-of.js'
import { requestContext, type AppEnv } from '../env.js'
import { passwordLoginBody, setupBody } from '../schemas.js'
import { publicUser, signInView } from '../views.js'

export type LoginRouteDeps = DepsOf<typeof loginWithPassword> & DepsOf<typeof redeemSetupCode>

export function loginRoutes(deps: LoginRouteDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.post('/login/password', async (c) => {
    const body = await parseBody(c, passwordLoginBody)
    return c.json(signInView(await loginWithPassword(deps, body, requestContext(c))))
  })

  routes.post('/setup', async (c) => {
    const body = await parseBody(c, setupBody)
    const user = await redeemSetupCode(deps, body, requestContext(c))
    return c.json({ user: publicUser(user) }, 201)
  })

  return routes
}
