import { Hono } from 'hono'
import type { RegistrationResponseJSON } from '@simplewebauthn/server'
import { changePassword, removePIN, setPIN, setQuickLogin } from '../../auth/account.js'
import { userMethods } from '../../auth/household.js'
import { revokeOwnSession, type OwnSessionsDeps } from '../../auth/own-sessions.js'
import {
  deletePasskey,
  passkeyRegistrationOptions,
  registerPasskey,
  renamePasskey,
} from '../../auth/passkeys.js'
import type { Proof } from '../../auth/recent-sign-in.js'
import { confirmTOTP, removeTOTP, setupTOTP } from '../../auth/totp-enrolment.js'
import { stepUpRequired, unauthorized } from '../../errors.js'
import { listPasskeys } from '../../auth/passkey-store.js'
import { parseBody, validate } from '../body.js'
import type { DepsOf } from '../deps-of.js'
import { requestContext, type AppEnv, type SignedIn } from '../env.js'
import { passkeyRegisterBody, passkeyRenameBody } from '../schemas.js'
import { methodsView, passkeyView, sessionView } from '../views.js'
import { AccountPage, type AccountView } from './pages/account.js'
import {
  attempt,
  formValue,
  isPinOnlySession,
  pageBase,
  reauthRedirect,
  render,
  signedInOf,
  uiProof,
  type UIContext,
  type UIMessage,
  type UIShell,
} from './ui-context.js'

export type UIAccountDeps = DepsOf<typeof changePassword> &
  DepsOf<typeof removeTOTP> &
  DepsOf<typeof registerPasskey> &
  OwnSessionsDeps

/** The account page of the signed-in person: the same use cases as /v1/me/*. */
export function uiAccountRoutes(deps: UIAccountDeps & UIShell): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const redirectSignedOut = async (c: UIContext, next: () => Promise<void>) =>
    signedInOf(c) ? next() : c.redirect('/ui/sign-in', 303)
  routes.use('/account', redirectSignedOut)
  routes.use('/account/*', redirectSignedOut)

  // The middleware above sent signed-out visitors to sign-in; a session ended meanwhile (in
  // another tab) answers 401 rather than an error.
  function signedIn(c: UIContext): SignedIn {
    const signed = signedInOf(c)
    if (!signed) throw unauthorized()
    return signed
  }

  /** The same rule as the API's strong-session guard: a PIN alone may look, not change. */
  function strong(c: UIContext): SignedIn {
    const signed = signedIn(c)
    if (isPinOnlySession(signed)) throw stepUpRequired()
    return signed
  }

  function accountView(c: UIContext, extra: Partial<AccountView> = {}): AccountView {
    const { user, session } = signedIn(c)
    return {
      username: user.username,
      displayName: user.displayName,
      pinOnly: isPinOnlySession({ user, session }),
      methods: methodsView(userMethods(deps.db, user)),
      passkeys: listPasskeys(deps.db, user.id).map(passkeyView),
      sessions: deps.sessions.listLive(user.id, session.id).map(sessionView),
      ...extra,
    }
  }

  const accountPage = (c: UIContext, extra: Partial<AccountView> = {}, message?: UIMessage) => (
    <AccountPage {...pageBase(deps, c)} view={accountView(c, extra)} message={message ?? null} />
  )

  /**
   * A credential change from the account page: strong session only, then the page again.
   * Without a recent sign-in (API §7) the person signs in again and comes back here.
   */
  function change(
    c: UIContext,
    run: (signed: SignedIn, proof: Proof) => Promise<string | Partial<AccountView>>,
  ) {
    return attempt(
      c,
      async () => {
        const signed = strong(c)
        const result = await run(signed, uiProof(c, signed))
        return typeof result === 'string'
          ? render(c, accountPage(c, {}, { kind: 'info', text: result }))
          : render(c, accountPage(c, result))
      },
      (message) => accountPage(c, {}, message),
      reauthRedirect('/ui/account'),
    )
  }

  routes.get('/account', (c) => render(c, accountPage(c)))

  routes.post('/account/password', (c) =>
    change(c, async ({ user, session }) => {
      const input = {
        currentPassword: formValue(c, 'current_password'),
        newPassword: formValue(c, 'new_password'),
        sessionId: session.id,
      }
      await changePassword(deps, user, input, requestContext(c))
      return 'Password changed; your other sessions were signed out.'
    }),
  )
  routes.post('/account/pin', (c) =>
    change(c, async ({ user }) => {
      const input = { pin: formValue(c, 'pin'), currentPassword: formValue(c, 'current_password') }
      await setPIN(deps, user, input, requestContext(c))
      return 'PIN set.'
    }),
  )
  routes.post('/account/pin/remove', (c) =>
    change(c, async ({ user }, proof) => {
      await removePIN(deps, user, proof, requestContext(c))
      return 'PIN removed.'
    }),
  )
  routes.post('/account/quick-login', (c) =>
    change(c, async ({ user }, proof) => {
      const enabled = formValue(c, 'enabled') === 'true'
      await setQuickLogin(deps, user, enabled, proof, requestContext(c))
      return enabled ? 'You are in the household picker.' : 'You left the household picker.'
    }),
  )
  routes.post('/account/totp/setup', (c) =>
    change(c, async ({ user }, proof) => {
      const setup = await setupTOTP(deps, user, proof, requestContext(c))
      const qrDataURI = `data:image/svg+xml;base64,${Buffer.from(setup.qrSVG).toString('base64')}`
      return { totpSetup: { secret: setup.secret, qrDataURI } }
    }),
  )
  routes.post('/account/totp/confirm', (c) =>
    change(c, async ({ user }, proof) => {
      const code = formValue(c, 'code').trim()
      return { recoveryCodes: await confirmTOTP(deps, user, code, proof, requestContext(c)) }
    }),
  )
  routes.post('/account/totp/remove', (c) =>
    change(c, async ({ user }) => {
      await removeTOTP(deps, user, formValue(c, 'current_password'), requestContext(c))
      return 'Authenticator app removed.'
    }),
  )
  routes.post('/account/passkeys/:id/rename', (c) =>
    change(c, async ({ user }, proof) => {
      const { name } = validate(passkeyRenameBody, { name: formValue(c, 'name') })
      await renamePasskey(deps, user, { id: c.req.param('id'), name }, proof, requestContext(c))
      return 'Passkey renamed.'
    }),
  )
  routes.post('/account/passkeys/:id/delete', (c) =>
    change(c, async ({ user }, proof) => {
      await deletePasskey(deps, user, c.req.param('id'), proof, requestContext(c))
      return 'Passkey removed.'
    }),
  )
  routes.post('/account/sessions/:id/revoke', (c) =>
    change(c, async ({ user }) => {
      revokeOwnSession(deps, user, c.req.param('id'), requestContext(c))
      return 'Signed out there.'
    }),
  )

  // Passkey registration runs in the page script; these answer it as JSON.
  routes.post('/account/passkeys/options', async (c) => {
    const signed = strong(c)
    const proof = uiProof(c, signed)
    const started = await passkeyRegistrationOptions(deps, signed.user, proof, requestContext(c))
    return c.json({ registration_id: started.registrationId, options: started.options })
  })
  routes.post('/account/passkeys', async (c) => {
    const { user } = strong(c)
    const body = await parseBody(c, passkeyRegisterBody)
    const response = body.response as unknown as RegistrationResponseJSON
    const input = { registrationId: body.registration_id, response, name: body.name }
    const row = await registerPasskey(deps, user, input, requestContext(c))
    return c.json(passkeyView(row), 201)
  })

  return routes
}
