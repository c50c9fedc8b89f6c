import { Hono } from 'hono'
import { unauthorized } from '../../errors.js'
import { publicUser } from '../../auth/users.js'
import { bearer } from '../middleware/bearer.js'
import type { AppEnv } from '../env.js'

export function meRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.use('/me', bearer())
  routes.use('/me/*', bearer())

  routes.get('/me', (c) => {
    const { users } = c.get('services')
    const user = users.findById(c.get('access').sub)
    if (!user || user.disabled) throw unauthorized()
    return c.json({
      user: publicUser(user),
      methods: {
        password: user.passwordHash !== null,
        totp: user.totpSecretSealed !== null,
        passkeys: 0,
        pin: user.pinHash !== null && !user.pinDisabled,
        quick_login: user.quickLogin,
        mfa: user.mfaEnabled && user.totpSecretSealed !== null,
      },
    })
  })

  return routes
}
