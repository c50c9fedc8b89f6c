import { Hono } from 'hono'
import type { RegistrationResponseJSON } from '@simplewebauthn/server'
import {
  changePassword,
  confirmPassword,
  removePIN,
  setPIN,
  setQuickLogin,
} from '../../auth/account.js'
import { userMethods } from '../../auth/household.js'
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
import { invalidRequest, notFound, stepUpRequired, unauthorized } from '../../errors.js'
import { z } from 'zod'
import { parseBody } from '../body.js'
import { webauthnResponse } from '../routes/mfa-login.js'
import { requestContext, type AppEnv } from '../env.js'
import { AccountPage, type AccountView } from './pages/account.js'
import {
  attempt,
  formValue,
  isPinOnly,
  pageBase,
  render,
  uiUser,
  type UIContext,
} from './ui-context.js'

const uiPasskeyBody = z.object({
  registration_id: z.string().min(1).max(128),
  response: webauthnResponse,
  name: z.string().trim().min(1).max(64).default('Passkey'),
})

function signedIn(c: UIContext) {
  const signed = uiUser(c)
  // The middleware below already sent signed-out visitors to sign-in; a session ended
  // meanwhile (signed out in another tab) answers 401 rather than an error.
  if (!signed) throw unauthorized()
  return signed
}

function accountView(c: UIContext, extra: Partial<AccountView> = {}): AccountView {
  const { user, session } = signedIn(c)
  const { db } = c.get('services')
  return {
    username: user.username,
    displayName: user.displayName,
    pinOnly: isPinOnly(session),
    methods: userMethods(db, user),
    passkeys: listPasskeys(db, user.id).map(publicPasskey),
    sessions: c.get('services').sessions.listLive(user.id, session.id),
    ...extra,
  }
}

const accountPage = (
  c: UIContext,
  extra: Partial<AccountView> = {},
  message?: { kind: 'error' | 'info'; text: string },
) => <AccountPage {...pageBase(c)} view={accountView(c, extra)} message={message ?? null} />

/** A credential change from the account page: strong session only, then the page again. */
function change(c: UIContext, run: () => Promise<string | Partial<AccountView>>) {
  return attempt(
    c,
    async () => {
      const { session } = signedIn(c)
      if (isPinOnly(session)) throw stepUpRequired()
      const result = await run()
      return typeof result === 'string'
        ? render(c, accountPage(c, {}, { kind: 'info', text: result }))
        : render(c, accountPage(c, result))
    },
    (message) => accountPage(c, {}, message),
  )
}

export function uiAccountRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.use('/account', async (c, next) => (uiUser(c) ? next() : c.redirect('/ui/sign-in', 303)))
  routes.use('/account/*', async (c, next) => (uiUser(c) ? next() : c.redirect('/ui/sign-in', 303)))

  routes.get('/account', (c) => render(c, accountPage(c)))

  routes.post('/account/password', (c) =>
    change(c, async () => {
      const { user, session } = signedIn(c)
      const input = {
        currentPassword: formValue(c, 'current_password'),
        newPassword: formValue(c, 'new_password'),
        sessionId: session.id,
      }
      await changePassword(c.get('services'), user, input, requestContext(c))
      return 'Password changed; your other sessions were signed out.'
    }),
  )
  routes.post('/account/pin', (c) =>
    change(c, async () => {
      const input = { pin: formValue(c, 'pin'), currentPassword: formValue(c, 'current_password') }
      await setPIN(c.get('services'), signedIn(c).user, input, requestContext(c))
      return 'PIN set.'
    }),
  )
  routes.post('/account/pin/remove', (c) =>
    change(c, async () => {
      removePIN(c.get('services'), signedIn(c).user, requestContext(c))
      return 'PIN removed.'
    }),
  )
  routes.post('/account/quick-login', (c) =>
    change(c, async () => {
      const enabled = formValue(c, 'enabled') === 'true'
      setQuickLogin(c.get('services'), signedIn(c).user, enabled, requestContext(c))
      return enabled ? 'You are in the household picker.' : 'You left the household picker.'
    }),
  )
  routes.post('/account/totp/setup', (c) =>
    change(c, async () => {
      const setup = await setupTOTP(c.get('services'), signedIn(c).user)
      return {
        totpSetup: {
          secret: setup.secret,
          qrDataURI: `data:image/svg+xml;base64,${Buffer.from(setup.qr_svg).toString('base64')}`,
        },
      }
    }),
  )
  routes.post('/account/totp/confirm', (c) =>
    change(c, async () => {
      const { recovery_codes } = await confirmTOTP(
        c.get('services'),
        signedIn(c).user,
        formValue(c, 'code').trim(),
        requestContext(c),
      )
      return { recoveryCodes: recovery_codes }
    }),
  )
  routes.post('/account/totp/remove', (c) =>
    change(c, async () => {
      const services = c.get('services')
      const { user } = signedIn(c)
      await confirmPassword(services, user, formValue(c, 'current_password'), requestContext(c))
      removeTOTP(services, user, countPasskeys(services.db, user.id) > 0, requestContext(c))
      return 'Authenticator app removed.'
    }),
  )
  routes.post('/account/passkeys/:id/rename', (c) =>
    change(c, async () => {
      const name = formValue(c, 'name').trim()
      if (!name || name.length > 64) throw invalidRequest('name: 1–64 characters')
      renamePasskey(c.get('services'), signedIn(c).user.id, c.req.param('id'), name)
      return 'Passkey renamed.'
    }),
  )
  routes.post('/account/passkeys/:id/delete', (c) =>
    change(c, async () => {
      deletePasskey(c.get('services'), signedIn(c).user.id, c.req.param('id'), requestContext(c))
      return 'Passkey removed.'
    }),
  )
  routes.post('/account/sessions/:id/revoke', (c) =>
    change(c, async () => {
      const services = c.get('services')
      const target = services.sessions.findById(c.req.param('id'))
      if (!target || target.userId !== signedIn(c).user.id) throw notFound('No such session.')
      services.sessions.revoke(target.id)
      return 'Signed out there.'
    }),
  )

  // Passkey registration runs in the page script; these answer it as JSON.
  routes.post('/account/passkeys/options', async (c) => {
    const { user, session } = signedIn(c)
    if (isPinOnly(session)) throw stepUpRequired()
    return c.json(await passkeyRegistrationOptions(c.get('services'), user))
  })
  routes.post('/account/passkeys', async (c) => {
    const { user, session } = signedIn(c)
    if (isPinOnly(session)) throw stepUpRequired()
    const body = await parseBody(c, uiPasskeyBody)
    const row = await registerPasskey(
      c.get('services'),
      user,
      {
        registrationId: body.registration_id,
        response: body.response as unknown as RegistrationResponseJSON,
        name: body.name,
      },
      requestContext(c),
    )
    return c.json(publicPasskey(row), 201)
  })

  return routes
}
