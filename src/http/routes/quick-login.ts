import { Hono } from 'hono'
import { listProfiles, loginWithPIN } from '../../auth/quick-login.js'
import type { CIDR } from '../../limits/cidr.js'
import { parseBody } from '../body.js'
import type { DepsOf } from '../deps-of.js'
import { householdNetworkOnly } from '../middleware/household-network.js'
import { requestContext, type AppEnv } from '../env.js'
import { quickLoginBody } from '../schemas.js'
import { tokenResponse } from '../views.js'

export type QuickLoginRouteDeps = DepsOf<typeof loginWithPIN> & {
  quickLoginNetworks: CIDR[]
  serviceHosts: string[]
}

export function quickLoginRoutes(deps: QuickLoginRouteDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const householdOnly = householdNetworkOnly(deps.quickLoginNetworks, deps.serviceHosts)
  routes.use('/quick-login', householdOnly)
  routes.use('/quick-login/*', householdOnly)

  routes.get('/quick-login/profiles', (c) => c.json({ profiles: listProfiles(deps.db) }))

  routes.post('/quick-login', async (c) => {
    const body = await parseBody(c, quickLoginBody)
    const input = { userId: body.user_id, pin: body.pin }
    return c.json(tokenResponse(await loginWithPIN(deps, input, requestContext(c))))
  })

  return routes
}
