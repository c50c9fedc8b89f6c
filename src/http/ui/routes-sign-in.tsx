import { Hono } from 'hono'
import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import { redeemSetupCode } from '../../auth/first-admin.js'
import { loginWithRecoveryCode, loginWithTOTP } from '../../auth/mfa-login.js'
import { loginWithPasskey, passkeyLoginOptions } from '../../auth/passkey-login.js'
import { loginWithPassword } from '../../auth/password-login.js'
import { listProfiles, loginWithPIN } from '../../auth/quick-login.js'
import type { TokenResponse } from '../../auth/token-response.js'
import { networkNotAllowed } from '../../errors.js'
import { isInsideNetworks } from '../../limits/client-address.js'
import { z } from 'zod'
import { parseBody } from '../body.js'
import { webauthnResponse } from '../routes/mfa-login.js'
import { requestContext, type AppEnv } from '../env.js'
import { clearSessionCookie, sessionCookie } from './cookies.js'
import {
  HouseholdPage,
  ResetPage,
  SecondFactorPage,
  SetupPage,
  SignInPage,
} from './pages/sign-in.js'
import { redeemResetCode } from '../../auth/password-reset.js'
import {
  attempt,
  checkedReturnTo,
  formValue,
  pageBase,
  render,
  startBrowserSession,
  uiUser,
  type UIContext,
} from './ui-context.js'

const home = (returnTo: string | null) => returnTo ?? '/ui/account'
const uiPasskeyVerifyBody = z.object({
  login_id: z.string().min(1).max(128),
  response: webauthnResponse,
  return_to: z.string().max(2048).optional(),
})

/** After a sign-in step: either the browser is signed in, or the second step is shown. */
function signedInOrSecondStep(
  c: UIContext,
  result: TokenResponse | { mfa_token: string; methods: string[] },
  returnTo: string | null,
) {
  if ('refresh_token' in result) {
    startBrowserSession(c, result)
    return c.redirect(home(returnTo), 303)
  }
  return render(
    c,
    <SecondFactorPage
      {...pageBase(c)}
      mfaToken={result.mfa_token}
      methods={result.methods}
      returnTo={returnTo}
    />,
  )
}

export function uiSignInRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.get('/', (c) => {
    if (uiUser(c)) return c.redirect('/ui/account')
    return c.redirect(c.get('services').users.count() === 0 ? '/ui/setup' : '/ui/sign-in')
  })

  routes.get('/setup', (c) => render(c, <SetupPage {...pageBase(c)} />))
  routes.post('/setup', (c) =>
    attempt(
      c,
      async () => {
        const services = c.get('services')
        const input = {
          code: formValue(c, 'code'),
          username: formValue(c, 'username'),
          password: formValue(c, 'password'),
        }
        const user = await redeemSetupCode(services, input, requestContext(c))
        startBrowserSession(
          c,
          await services.issuer.signIn(user, ['pwd'], requestContext(c), { method: 'setup' }),
        )
        return c.redirect('/ui/account', 303)
      },
      (message) => <SetupPage {...pageBase(c)} message={message} />,
    ),
  )

  routes.get('/sign-in', (c) => {
    const returnTo = checkedReturnTo(c, c.req.query('return_to'))
    return render(c, <SignInPage {...pageBase(c)} returnTo={returnTo} />)
  })
  routes.post('/sign-in', (c) => {
    const returnTo = checkedReturnTo(c, formValue(c, 'return_to'))
    const username = formValue(c, 'username')
    return attempt(
      c,
      async () => {
        const input = { username, password: formValue(c, 'password') }
        return signedInOrSecondStep(
          c,
          await loginWithPassword(c.get('services'), input, requestContext(c)),
          returnTo,
        )
      },
      (message) => (
        <SignInPage {...pageBase(c)} returnTo={returnTo} username={username} message={message} />
      ),
    )
  })

  for (const [path, complete] of [
    ['/sign-in/totp', loginWithTOTP],
    ['/sign-in/recovery-code', loginWithRecoveryCode],
  ] as const) {
    routes.post(path, (c) => {
      const returnTo = checkedReturnTo(c, formValue(c, 'return_to'))
      const mfaToken = formValue(c, 'mfa_token')
      return attempt(
        c,
        async () =>
          signedInOrSecondStep(
            c,
            await complete(
              c.get('services'),
              { mfaToken, code: formValue(c, 'code') },
              requestContext(c),
            ),
            returnTo,
          ),
        (message) =>
          message.text.includes('expired') ? (
            <SignInPage {...pageBase(c)} returnTo={returnTo} message={message} />
          ) : (
            <SecondFactorPage
              {...pageBase(c)}
              mfaToken={mfaToken}
              methods={['totp', 'webauthn', 'recovery_code']}
              returnTo={returnTo}
              message={message}
            />
          ),
      )
    })
  }

  // The passkey ceremony runs in the page script; these answer it as JSON.
  routes.post('/passkey/options', async (c) => {
    const body = await parseBody(c, z.object({ mfa_token: z.string().min(1).max(128).optional() }))
    return c.json(await passkeyLoginOptions(c.get('services'), { mfaToken: body.mfa_token }))
  })
  routes.post('/passkey/verify', async (c) => {
    const body = await parseBody(c, uiPasskeyVerifyBody)
    const returnTo = checkedReturnTo(c, body.return_to)
    const tokens = await loginWithPasskey(
      c.get('services'),
      { loginId: body.login_id, response: body.response as unknown as AuthenticationResponseJSON },
      requestContext(c),
    )
    startBrowserSession(c, tokens)
    return c.json({ redirect: home(returnTo) })
  })

  routes.get('/household', (c) => {
    const { config, db } = c.get('services')
    if (!isInsideNetworks(c.get('client'), config.quickLoginNetworks)) throw networkNotAllowed()
    const profiles = listProfiles(db)
    const chosen = profiles.find((p) => p.id === c.req.query('user')) ?? null
    return render(c, <HouseholdPage {...pageBase(c)} profiles={profiles} chosen={chosen} />)
  })
  routes.post('/household', (c) => {
    const services = c.get('services')
    if (!isInsideNetworks(c.get('client'), services.config.quickLoginNetworks))
      throw networkNotAllowed()
    const userId = formValue(c, 'user_id')
    const profiles = listProfiles(services.db)
    return attempt(
      c,
      async () => {
        startBrowserSession(
          c,
          await loginWithPIN(services, { userId, pin: formValue(c, 'pin') }, requestContext(c)),
        )
        return c.redirect('/ui/account', 303)
      },
      (message) => (
        <HouseholdPage
          {...pageBase(c)}
          profiles={profiles}
          chosen={profiles.find((p) => p.id === userId) ?? null}
          message={message}
        />
      ),
    )
  })

  routes.get('/reset', (c) => render(c, <ResetPage {...pageBase(c)} />))
  routes.post('/reset', (c) =>
    attempt(
      c,
      async () => {
        const input = {
          code: formValue(c, 'code').trim(),
          newPassword: formValue(c, 'new_password'),
        }
        await redeemResetCode(c.get('services'), input, requestContext(c))
        return render(
          c,
          <SignInPage
            {...pageBase(c)}
            returnTo={null}
            message={{ kind: 'info', text: 'Password set. Sign in with it now.' }}
          />,
        )
      },
      (message) => <ResetPage {...pageBase(c)} message={message} />,
    ),
  )

  routes.post('/sign-out', (c) => {
    const token = sessionCookie(c)
    const services = c.get('services')
    const signed = token ? services.sessions.peek(token) : null
    if (signed) {
      services.sessions.revoke(signed.id)
      services.audit.record({
        type: 'logout',
        userId: signed.userId,
        context: requestContext(c),
        detail: { session_id: signed.id },
      })
    }
    clearSessionCookie(c)
    return c.redirect('/ui/sign-in', 303)
  })

  return routes
}
