import { Hono } from 'hono'
import { publicUser } from '../../auth/users.js'
import { countPasskeys } from '../../auth/passkeys.js'
import { requiresSecondFactor } from '../../auth/second-factor.js'
import { bearer, currentUser, requireStrongSession } from '../middleware/bearer.js'
import type { AppEnv } from '../env.js'

export function meRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  // Hono's `/me/*` also matches `/me`: name the sub-paths so each request is checked once.
  // A PIN-only session may look at itself, refresh and log out; nothing under /me/* (§5).
  routes.use('/me', bearer())
  routes.use('/me/:rest{.+}', bearer(), requireStrongSession())

  routes.get('/me', (c) => {
    const user = currentUser(c)
    const passkeys = countPasskeys(c.get('services').db, user.id)
    return c.json({
      ...publicUser(user),
      methods: {
        password: user.passwordHash !== null,
        totp: user.totpSecretSealed !== null,
        passkeys,
        pin: user.pinHash !== null && !user.pinDisabled,
        quick_login: user.quickLogin,
        mfa: requiresSecondFactor(user, passkeys),
      },
    })
  })

  return routes
}
