import { Hono } from 'hono'
import { z } from 'zod'
import { redeemSetupCode } from '../../auth/first-admin.js'
import { loginWithPassword } from '../../auth/password-login.js'
import { publicUser } from '../../auth/users.js'
import { parseBody } from '../body.js'
import { requestContext, type AppEnv } from '../env.js'

const credential = (max: number) => z.string().min(1).max(max)
export const passwordLoginBody = z.object({
  username: credential(256),
  // Longer than any valid password, so the 400 never tells "too long" from "wrong".
  password: credential(1024),
})
const setupBody = z.object({
  code: credential(128),
  username: credential(256),
  password: credential(1024),
})

export function loginRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.post('/login/password', async (c) => {
    const body = await parseBody(c, passwordLoginBody)
    return c.json(await loginWithPassword(c.get('services'), body, requestContext(c)))
  })

  routes.post('/setup', async (c) => {
    const body = await parseBody(c, setupBody)
    const user = await redeemSetupCode(c.get('services'), body, requestContext(c))
    return c.json({ user: publicUser(user) }, 201)
  })

  return routes
}
