import { Hono } from 'hono'
import { changePassword, removePIN, setPIN, setQuickLogin } from '../../auth/account.js'
import { parseBody, parseOptionalBody } from '../body.js'
import { bearerProof } from '../proof.js'
import type { DepsOf } from '../deps-of.js'
import type { Guards } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'
import { passwordChangeBody, pinBody, quickLoginOptInBody, reauthBody } from '../schemas.js'

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

  routes.delete('/me/pin', async (c) => {
    const body = await parseOptionalBody(c, reauthBody)
    await removePIN(deps, c.get('user'), bearerProof(c, body.current_password), requestContext(c))
    return c.body(null, 204)
  })

  routes.put('/me/quick-login', async (c) => {
    const body = await parseBody(c, quickLoginOptInBody)
    const proof = bearerProof(c, body.current_password)
    await setQuickLogin(deps, c.get('user'), body.enabled, proof, requestContext(c))
    return c.body(null, 204)
  })

  return routes
}
