import { Hono } from 'hono'
import { z } from 'zod'
import { changePassword, removePIN, setPIN, setQuickLogin } from '../../auth/account.js'
import { parseBody } from '../body.js'
import { currentUser } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'

const pinBody = z.object({
  pin: z.string().min(1).max(64),
  current_password: z.string().min(1).max(1024),
})
const quickLoginBody = z.object({ enabled: z.boolean() })
const passwordBody = z.object({
  current_password: z.string().min(1).max(1024),
  new_password: z.string().min(1).max(1024),
})

/** PIN and quick-login opt-in; mounted behind bearer + a strong (non-PIN) session. */
export function meCredentialRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.put('/me/password', async (c) => {
    const body = await parseBody(c, passwordBody)
    await changePassword(
      c.get('services'),
      currentUser(c),
      {
        currentPassword: body.current_password,
        newPassword: body.new_password,
        sessionId: c.get('access').sid,
      },
      requestContext(c),
    )
    return c.body(null, 204)
  })

  routes.put('/me/pin', async (c) => {
    const body = await parseBody(c, pinBody)
    await setPIN(
      c.get('services'),
      currentUser(c),
      { pin: body.pin, currentPassword: body.current_password },
      requestContext(c),
    )
    return c.body(null, 204)
  })

  routes.delete('/me/pin', (c) => {
    removePIN(c.get('services'), currentUser(c), requestContext(c))
    return c.body(null, 204)
  })

  routes.put('/me/quick-login', async (c) => {
    const { enabled } = await parseBody(c, quickLoginBody)
    setQuickLogin(c.get('services'), currentUser(c), enabled, requestContext(c))
    return c.body(null, 204)
  })

  return routes
}
