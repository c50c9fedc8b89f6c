import { Hono } from 'hono'
import { redeemResetCode } from '../../auth/password-reset.js'
import { parseBody } from '../body.js'
import type { DepsOf } from '../deps-of.js'
import { requestContext, type AppEnv } from '../env.js'
import { resetBody } from '../schemas.js'

export function passwordResetRoutes(deps: DepsOf<typeof redeemResetCode>): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.post('/password-reset', async (c) => {
    const body = await parseBody(c, resetBody)
    const input = { code: body.code, newPassword: body.new_password }
    await redeemResetCode(deps, input, requestContext(c))
    return c.body(null, 204)
  })
  return routes
}
