import { Hono } from 'hono'
import { changePassword, removePIN, setPIN, setQuickLogin } from '../../auth/account.js'
import { parseBody } from '../body.js'
import type { DepsOf } from '../deps-of.js'
import type { Guards } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'
import { passwordChangeBody, pinBody, quickLoginOptInBody } from '../schemas.js'

export type MeCredentialDeps = DepsOf<typeof changePassword> & { guards: Guards }

/** Password, PIN and quick-login opt-in of the signed-in person (strong session only). */
export function meCredentialRoutes(deps: MeCredentialDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  for (const path of ['/me/password', '/me/pin', '/me/quick-login'])
    routes.use(path, deps.guards.bearer, deps.guards.strong)

  routes.put('/me/password', async (c) => {
    const body = await parseBody(c, passwordChangeBody)
    const input = {
      currentPassword: body.current_password,
      newPassword: body.new_password,
      sessionId: c.get('access').sid,
    }
    await changePassword(deps, c.get('user'), input, requestContext(c))
    return c.body(null, 204)
  })

  routes.put('/me/pin', async (c) => {
    const body = await parseBody(c, pinBody)
    const input = { pin: body.pin, currentPassword: body.current_password }
    await setPIN(deps, c.get('user'), input, requestContext(c))
    return c.body(null, 204)
  })

  routes.delete('/me/pin', (c) => {
    removePIN(deps, c.get('user'), requestContext(c))
    return c.body(null, 204)
  })

  routes.put('/me/quick-login', async (c) => {
    const { enabled } = await parseBody(c, quickLoginOptInBody)
    setQuickLogin(deps, c.get('user'), enabled, requestContext(c))
    return c.body(null, 204)
  })

  return routes
}
