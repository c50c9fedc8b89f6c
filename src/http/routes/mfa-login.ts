import { Hono } from 'hono'
import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import { loginWithRecoveryCode, loginWithTOTP } from '../../auth/mfa-login.js'
import { loginWithPasskey, passkeyLoginOptions } from '../../auth/passkey-login.js'
import { invalidRequest } from '../../errors.js'
import { parseBody } from '../body.js'
import type { DepsOf } from '../deps-of.js'
import { requestContext, type AppEnv } from '../env.js'
import { mfaCodeBody, passkeyLoginOptionsBody, passkeyLoginVerifyBody } from '../schemas.js'
import { tokenResponse } from '../views.js'

export type MFALoginRouteDeps = DepsOf<typeof loginWithTOTP> & DepsOf<typeof loginWithPasskey>

/** The second step of a sign-in, and passkey sign-in (API §4, §4.1). */
export function mfaLoginRoutes(deps: MFALoginRouteDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  for (const [path, complete] of [
    ['/login/totp', loginWithTOTP],
    ['/login/recovery-code', loginWithRecoveryCode],
  ] as const) {
    routes.post(path, async (c) => {
      const body = await parseBody(c, mfaCodeBody)
      const input = { mfaToken: body.mfa_token, code: body.code }
      return c.json(tokenResponse(await complete(deps, input, requestContext(c))))
    })
  }

  routes.post('/login/webauthn/options', async (c) => {
    const body = await parseBody(c, passkeyLoginOptionsBody)
    if (body.username !== undefined && body.mfa_token !== undefined) {
      throw invalidRequest('body: send either username or mfa_token', 'body')
    }
    const input = { username: body.username, mfaToken: body.mfa_token }
    return c.json(await passkeyLoginOptions(deps, input, requestContext(c)))
  })

  routes.post('/login/webauthn/verify', async (c) => {
    const body = await parseBody(c, passkeyLoginVerifyBody)
    const response = body.response as unknown as AuthenticationResponseJSON
    const input = { loginId: body.login_id, response }
    return c.json(tokenResponse(await loginWithPasskey(deps, input, requestContext(c))))
  })

  return routes
}
