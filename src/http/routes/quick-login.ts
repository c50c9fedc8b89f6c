import { Hono, type MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { listProfiles, loginWithPIN } from '../../auth/quick-login.js'
import { networkNotAllowed } from '../../errors.js'
import { isInsideNetworks } from '../../limits/client-address.js'
import { parseBody } from '../body.js'
import { requestContext, type AppEnv } from '../env.js'

const quickLoginBody = z.object({
  user_id: z.string().min(1).max(64),
  pin: z.string().min(1).max(64),
})

/**
 * Only from AUTH_QUICK_LOGIN_NETWORKS (off when empty); elsewhere one 403 that tells nothing
 * about the household. Checked before the body is read.
 */
function householdNetworkOnly(): MiddlewareHandler<AppEnv> {
  return async function householdNetworkOnlyMiddleware(c, next) {
    const { config } = c.get('services')
    if (!isInsideNetworks(c.get('client'), config.quickLoginNetworks)) throw networkNotAllowed()
    await next()
  }
}

export function quickLoginRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.use('/quick-login', householdNetworkOnly())
  routes.use('/quick-login/*', householdNetworkOnly())

  routes.get('/quick-login/profiles', (c) =>
    c.json({ profiles: listProfiles(c.get('services').db) }),
  )

  routes.post('/quick-login', async (c) => {
    const body = await parseBody(c, quickLoginBody)
    const tokens = await loginWithPIN(
      c.get('services'),
      { userId: body.user_id, pin: body.pin },
      requestContext(c),
    )
    return c.json(tokens)
  })

  return routes
}
