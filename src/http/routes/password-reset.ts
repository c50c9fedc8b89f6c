import { Hono } from 'hono'
import { z } from 'zod'
import { redeemResetCode } from '../../auth/password-reset.js'
import { parseBody } from '../body.js'
import { requestContext, type AppEnv } from '../env.js'

const resetBody = z.object({
  code: z.string().min(1).max(128),
  new_password: z.string().min(1).max(1024),
})

export function passwordResetRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.post('/password-reset', async (c) => {
    const body = await parseBody(c, resetBody)
    await redeemResetCode(
      c.get('services'),
      { code: body.code, newPassword: body.new_password },
      requestContext(c),
    )
    return c.body(null, 204)
  })
  return routes
}
