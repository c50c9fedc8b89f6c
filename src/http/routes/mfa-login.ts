import { Hono } from 'hono'
import { z } from 'zod'
import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import { loginWithRecoveryCode, loginWithTOTP } from '../../auth/mfa-login.js'
import { loginWithPasskey, passkeyLoginOptions } from '../../auth/passkey-login.js'
import { invalidRequest } from '../../errors.js'
import { parseBody } from '../body.js'
import { requestContext, type AppEnv } from '../env.js'

const token = z.string().min(1).max(128)
const codeBody = z.object({ mfa_token: token, code: z.string().min(1).max(64) })
const optionsBody = z.object({
  username: z.string().min(1).max(256).optional(),
  mfa_token: token.optional(),
})
/** The shape of a WebAuthn JSON response; @simplewebauthn/server checks everything inside. */
export const webauthnResponse = z
  .object({
    id: z.string().min(1).max(1024),
    rawId: z.string().min(1).max(1024),
    type: z.literal('public-key'),
    response: z.record(z.string(), z.unknown()),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  })
  .passthrough()
const verifyBody = z.object({ login_id: token, response: webauthnResponse })

export function mfaLoginRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.post('/login/totp', async (c) => {
    const body = await parseBody(c, codeBody)
    return c.json(
      await loginWithTOTP(
        c.get('services'),
        { mfaToken: body.mfa_token, code: body.code },
        requestContext(c),
      ),
    )
  })

  routes.post('/login/recovery-code', async (c) => {
    const body = await parseBody(c, codeBody)
    return c.json(
      await loginWithRecoveryCode(
        c.get('services'),
        { mfaToken: body.mfa_token, code: body.code },
        requestContext(c),
      ),
    )
  })

  routes.post('/login/webauthn/options', async (c) => {
    const body = await parseBody(c, optionsBody)
    if (body.username !== undefined && body.mfa_token !== undefined) {
      throw invalidRequest('body: send either username or mfa_token')
    }
    return c.json(
      await passkeyLoginOptions(c.get('services'), {
        username: body.username,
        mfaToken: body.mfa_token,
      }),
    )
  })

  routes.post('/login/webauthn/verify', async (c) => {
    const body = await parseBody(c, verifyBody)
    const response = body.response as unknown as AuthenticationResponseJSON
    return c.json(
      await loginWithPasskey(
        c.get('services'),
        { loginId: body.login_id, response },
        requestContext(c),
      ),
    )
  })

  return routes
}
