import { Hono } from 'hono'
import type { RegistrationResponseJSON } from '@simplewebauthn/server'
import {
  deletePasskey,
  passkeyRegistrationOptions,
  registerPasskey,
  renamePasskey,
} from '../../auth/passkeys.js'
import {
  confirmTOTP,
  regenerateRecoveryCodes,
  removeTOTP,
  setupTOTP,
} from '../../auth/totp-enrolment.js'
import { listPasskeys } from '../../auth/passkey-store.js'
import { parseBody, parseOptionalBody } from '../body.js'
import { bearerProof } from '../proof.js'
import type { DepsOf } from '../deps-of.js'
import type { Guards } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'
import {
  currentPasswordBody,
  passkeyRegisterBody,
  passkeyRenameBody,
  reauthBody,
  totpConfirmBody,
} from '../schemas.js'
import { passkeyView } from '../views.js'

export type MeSecondFactorDeps = DepsOf<typeof removeTOTP> &
  DepsOf<typeof registerPasskey> & { guards: Guards }

/** TOTP, recovery codes and passkeys of the signed-in person (strong session only). */
export function meSecondFactorRoutes(deps: MeSecondFactorDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  for (const path of [
    '/me/totp',
    '/me/totp/*',
    '/me/recovery-codes',
    '/me/passkeys',
    '/me/passkeys/*',
  ])
    routes.use(path, deps.guards.bearer, deps.guards.strong)

  routes.post('/me/totp/setup', async (c) => {
    const body = await parseOptionalBody(c, reauthBody)
    const proof = bearerProof(c, body.current_password)
    const setup = await setupTOTP(deps, c.get('user'), proof, requestContext(c))
    return c.json({ secret: setup.secret, otpauth_uri: setup.uri, qr_svg: setup.qrSVG })
  })

  routes.post('/me/totp/confirm', async (c) => {
    const body = await parseBody(c, totpConfirmBody)
    const proof = bearerProof(c, body.current_password)
    const codes = await confirmTOTP(deps, c.get('user'), body.code.trim(), proof, requestContext(c))
    return c.json({ recovery_codes: codes })
  })

  routes.delete('/me/totp', async (c) => {
    const { current_password } = await parseBody(c, currentPasswordBody)
    await removeTOTP(deps, c.get('user'), current_password, requestContext(c))
    return c.body(null, 204)
  })

  routes.post('/me/recovery-codes', async (c) => {
    const { current_password } = await parseBody(c, currentPasswordBody)
    const user = c.get('user')
    const codes = await regenerateRecoveryCodes(deps, user, current_password, requestContext(c))
    return c.json({ recovery_codes: codes })
  })

  routes.post('/me/passkeys/options', async (c) => {
    const body = await parseOptionalBody(c, reauthBody)
    const proof = bearerProof(c, body.current_password)
    const started = await passkeyRegistrationOptions(deps, c.get('user'), proof, requestContext(c))
    return c.json({ registration_id: started.registrationId, options: started.options })
  })

  routes.post('/me/passkeys', async (c) => {
    const body = await parseBody(c, passkeyRegisterBody)
    const response = body.response as unknown as RegistrationResponseJSON
    const input = { registrationId: body.registration_id, response, name: body.name }
    const row = await registerPasskey(deps, c.get('user'), input, requestContext(c))
    return c.json(passkeyView(row), 201)
  })

  routes.get('/me/passkeys', (c) =>
    c.json({ passkeys: listPasskeys(deps.db, c.get('user').id).map(passkeyView) }),
  )

  routes.patch('/me/passkeys/:id', async (c) => {
    const body = await parseBody(c, passkeyRenameBody)
    const input = { id: c.req.param('id'), name: body.name }
    const proof = bearerProof(c, body.current_password)
    const row = await renamePasskey(deps, c.get('user'), input, proof, requestContext(c))
    return c.json(passkeyView(row))
  })

  routes.delete('/me/passkeys/:id', async (c) => {
    const body = await parseOptionalBody(c, reauthBody)
    const proof = bearerProof(c, body.current_password)
    await deletePasskey(deps, c.get('user'), c.req.param('id'), proof, requestContext(c))
    return c.body(null, 204)
  })

  return routes
}
