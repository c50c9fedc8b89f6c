import { Hono } from 'hono'
import { z } from 'zod'
import type { RegistrationResponseJSON } from '@simplewebauthn/server'
import { confirmPassword } from '../../auth/account.js'
import {
  countPasskeys,
  deletePasskey,
  listPasskeys,
  passkeyRegistrationOptions,
  publicPasskey,
  registerPasskey,
  renamePasskey,
} from '../../auth/passkeys.js'
import { confirmTOTP, removeTOTP, setupTOTP } from '../../auth/totp-enrolment.js'
import { invalidRequest } from '../../errors.js'
import { parseBody } from '../body.js'
import { currentUser } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'
import { webauthnResponse } from './mfa-login.js'

const passwordBody = z.object({ current_password: z.string().min(1).max(1024) })
const name = z.string().trim().min(1).max(64)
const registerBody = z.object({
  registration_id: z.string().min(1).max(128),
  response: webauthnResponse,
  name: name.default('Passkey'),
})

/** TOTP, recovery codes and passkeys of the signed-in person (strong session only). */
export function meSecondFactorRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.post('/me/totp/setup', async (c) =>
    c.json(await setupTOTP(c.get('services'), currentUser(c))),
  )

  routes.post('/me/totp/confirm', async (c) => {
    const { code } = await parseBody(c, z.object({ code: z.string().min(1).max(16) }))
    return c.json(
      await confirmTOTP(c.get('services'), currentUser(c), code.trim(), requestContext(c)),
    )
  })

  routes.delete('/me/totp', async (c) => {
    const { current_password } = await parseBody(c, passwordBody)
    const services = c.get('services')
    const user = currentUser(c)
    await confirmPassword(services, user, current_password, requestContext(c))
    removeTOTP(services, user, countPasskeys(services.db, user.id) > 0, requestContext(c))
    return c.body(null, 204)
  })

  routes.post('/me/recovery-codes', async (c) => {
    const { current_password } = await parseBody(c, passwordBody)
    const services = c.get('services')
    const user = currentUser(c)
    await confirmPassword(services, user, current_password, requestContext(c))
    if (!user.totpSecretSealed && countPasskeys(services.db, user.id) === 0) {
      throw invalidRequest('current_password: enrol TOTP or a passkey first')
    }
    services.audit.record({
      type: 'recovery_codes.regenerated',
      userId: user.id,
      actorId: user.id,
      context: requestContext(c),
    })
    return c.json({ recovery_codes: services.recoveryCodes.regenerate(user.id) })
  })

  routes.post('/me/passkeys/options', async (c) =>
    c.json(await passkeyRegistrationOptions(c.get('services'), currentUser(c))),
  )

  routes.post('/me/passkeys', async (c) => {
    const body = await parseBody(c, registerBody)
    const response = body.response as unknown as RegistrationResponseJSON
    const row = await registerPasskey(
      c.get('services'),
      currentUser(c),
      { registrationId: body.registration_id, response, name: body.name },
      requestContext(c),
    )
    return c.json(publicPasskey(row), 201)
  })

  routes.get('/me/passkeys', (c) =>
    c.json({ passkeys: listPasskeys(c.get('services').db, currentUser(c).id).map(publicPasskey) }),
  )

  routes.patch('/me/passkeys/:id', async (c) => {
    const body = await parseBody(c, z.object({ name }))
    return c.json(
      publicPasskey(
        renamePasskey(c.get('services'), currentUser(c).id, c.req.param('id'), body.name),
      ),
    )
  })

  routes.delete('/me/passkeys/:id', (c) => {
    deletePasskey(c.get('services'), currentUser(c).id, c.req.param('id'), requestContext(c))
    return c.body(null, 204)
  })

  return routes
}
