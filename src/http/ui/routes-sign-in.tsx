import { Hono } from 'hono'
import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import { redeemSetupCode } from '../../auth/first-admin.js'
import { loginWithRecoveryCode, loginWithTOTP } from '../../auth/mfa-login.js'
import { loginWithPasskey, passkeyLoginOptions } from '../../auth/passkey-login.js'
import { loginWithPassword } from '../../auth/password-login.js'
import { redeemResetCode } from '../../auth/password-reset.js'
import { listProfiles, loginWithPIN } from '../../auth/quick-login.js'
import { logout } from '../../auth/refresh.js'
import type { MFARequired } from '../../auth/second-factor.js'
import type { IssuedTokens, Issuer } from '../../auth/token-response.js'
import type { CIDR } from '../../limits/cidr.js'
import { parseBody } from '../body.js'
import type { DepsOf } from '../deps-of.js'
import { requestContext, type AppEnv } from '../env.js'
import { householdNetworkOnly } from '../middleware/household-network.js'
import {
  mfaCodeBody,
  passkeyLoginOptionsBody,
  passkeyLoginVerifyBody,
  passwordLoginBody,
  quickLoginBody,
  resetBody,
  setupBody,
} from '../schemas.js'
import {
  HouseholdPage,
  ResetPage,
  SecondFactorPage,
  SetupPage,
  SignInPage,
} from './pages/sign-in.js'
import { createProxyReturn, type ProxyReturnDeps } from './proxy-return.js'
import {
  attempt,
  checkedReturnTo,
  formAs,
  formValue,
  pageBase,
  render,
  signedInOf,
  type UIContext,
  type UIShell,
} from './ui-context.js'

export type UISignInDeps = DepsOf<typeof loginWithPassword> &
  DepsOf<typeof loginWithTOTP> &
  DepsOf<typeof loginWithPasskey> &
  DepsOf<typeof loginWithPIN> &
  DepsOf<typeof redeemSetupCode> &
  DepsOf<typeof redeemResetCode> &
  DepsOf<typeof logout> &
  ProxyReturnDeps & {
    issuer: Issuer
    quickLoginNetworks: CIDR[]
    serviceHosts: string[]
  }

const home = (returnTo: string | null) => returnTo ?? '/ui/account'

export function uiSignInRoutes(deps: UISignInDeps & UIShell): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const base = (c: UIContext) => pageBase(deps, c)
  const returnToOf = (value: string | null | undefined) => checkedReturnTo(deps, value)
  const proxyReturn = createProxyReturn(deps)

  /**
   * Signs the browser in: the refresh token goes into the HttpOnly cookie, nothing else. A
   * session this browser already had (a sign-in again for a recent sign-in) ends: one
   * browser, one session.
   */
  const startBrowserSession = (c: UIContext, tokens: IssuedTokens) => {
    const previous = deps.cookies.session(c)
    if (previous) logout(deps, previous, requestContext(c))
    deps.cookies.setSession(c, tokens.refreshToken, tokens.refreshExpiresInSeconds)
  }

  /** After a sign-in step: either the browser is signed in, or the second step is shown. */
  function signedInOrSecondStep(
    c: UIContext,
    result: IssuedTokens | MFARequired,
    returnTo: string | null,
  ) {
    if (result.kind === 'tokens') {
      startBrowserSession(c, result)
      return c.redirect(home(returnTo), 303)
    }
    const page = (
      <SecondFactorPage
        {...base(c)}
        mfaToken={result.mfaToken}
        methods={result.methods}
        returnTo={returnTo}
      />
    )
    return render(c, page)
  }

  routes.get('/', (c) => {
    if (signedInOf(c)) return c.redirect('/ui/account')
    return c.redirect(deps.users.count() === 0 ? '/ui/setup' : '/ui/sign-in')
  })

  routes.get('/setup', (c) => render(c, <SetupPage {...base(c)} />))
  routes.post('/setup', (c) =>
    attempt(
      c,
      async () => {
        const input = formAs(c, setupBody)
        const user = await redeemSetupCode(deps, input, requestContext(c))
        const detail = { method: 'setup' }
        startBrowserSession(c, await deps.issuer.signIn(user, ['pwd'], requestContext(c), detail))
        return c.redirect('/ui/account', 303)
      },
      (message) => <SetupPage {...base(c)} message={message} />,
    ),
  )

  routes.get('/sign-in', (c) => {
    // Forward auth (API §13): back to the app now, or after signing in through this page.
    const rd = c.req.query('rd')
    const back = rd === undefined ? null : proxyReturn(c, rd)
    if (back) return back
    const returnTo =
      rd === undefined
        ? returnToOf(c.req.query('return_to'))
        : `/ui/sign-in?rd=${encodeURIComponent(rd)}`
    const message =
      c.req.query('reauth') === '1'
        ? { kind: 'info' as const, text: 'Sign in again to change how you sign in.' }
        : null
    return render(c, <SignInPage {...base(c)} returnTo={returnTo} message={message} />)
  })
  routes.post('/sign-in', (c) => {
    const returnTo = returnToOf(formValue(c, 'return_to'))
    const username = formValue(c, 'username')
    return attempt(
      c,
      async () => {
        const input = formAs(c, passwordLoginBody)
        const result = await loginWithPassword(deps, input, requestContext(c))
        return signedInOrSecondStep(c, result, returnTo)
      },
      (message) => (
        <SignInPage {...base(c)} returnTo={returnTo} username={username} message={message} />
      ),
    )
  })

  for (const [path, complete] of [
    ['/sign-in/totp', loginWithTOTP],
    ['/sign-in/recovery-code', loginWithRecoveryCode],
  ] as const) {
    routes.post(path, (c) => {
      const returnTo = returnToOf(formValue(c, 'return_to'))
      const mfaToken = formValue(c, 'mfa_token')
      return attempt(
        c,
        async () => {
          const body = formAs(c, mfaCodeBody)
          const input = { mfaToken: body.mfa_token, code: body.code }
          const result = await complete(deps, input, requestContext(c))
          return signedInOrSecondStep(c, result, returnTo)
        },
        (message) =>
          message.code === 'invalid_mfa_token' ? (
            <SignInPage {...base(c)} returnTo={returnTo} message={message} />
          ) : (
            <SecondFactorPage
              {...base(c)}
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
    const body = await parseBody(c, passkeyLoginOptionsBody.pick({ mfa_token: true }))
    const input = { mfaToken: body.mfa_token }
    return c.json(await passkeyLoginOptions(deps, input, requestContext(c)))
  })
  routes.post('/passkey/verify', async (c) => {
    const body = await parseBody(c, passkeyLoginVerifyBody)
    const returnTo = returnToOf(body.return_to)
    const response = body.response as unknown as AuthenticationResponseJSON
    const input = { loginId: body.login_id, response }
    startBrowserSession(c, await loginWithPasskey(deps, input, requestContext(c)))
    return c.json({ redirect: home(returnTo) })
  })

  const householdOnly = householdNetworkOnly(deps.quickLoginNetworks, deps.serviceHosts)
  routes.use('/household', householdOnly)
  routes.get('/household', (c) => {
    const profiles = listProfiles(deps.db)
    const chosen = profiles.find((p) => p.id === c.req.query('user')) ?? null
    return render(c, <HouseholdPage {...base(c)} profiles={profiles} chosen={chosen} />)
  })
  routes.post('/household', (c) => {
    const userId = formValue(c, 'user_id')
    const profiles = listProfiles(deps.db)
    return attempt(
      c,
      async () => {
        const body = formAs(c, quickLoginBody)
        const input = { userId: body.user_id, pin: body.pin }
        startBrowserSession(c, await loginWithPIN(deps, input, requestContext(c)))
        return c.redirect('/ui/account', 303)
      },
      (message) => (
        <HouseholdPage
          {...base(c)}
          profiles={profiles}
          chosen={profiles.find((p) => p.id === userId) ?? null}
          message={message}
        />
      ),
    )
  })

  routes.get('/reset', (c) => render(c, <ResetPage {...base(c)} />))
  routes.post('/reset', (c) =>
    attempt(
      c,
      async () => {
        const body = formAs(c, resetBody)
        const input = { code: body.code, newPassword: body.new_password }
        await redeemResetCode(deps, input, requestContext(c))
        const message = { kind: 'info' as const, text: 'Password set. Sign in with it now.' }
        return render(c, <SignInPage {...base(c)} returnTo={null} message={message} />)
      },
      (message) => <ResetPage {...base(c)} message={message} />,
    ),
  )

  // The same use case as POST /v1/logout: the session ends and the audit log says so.
  routes.post('/sign-out', (c) => {
    const token = deps.cookies.session(c)
    if (token) logout(deps, token, requestContext(c))
    deps.cookies.clearSession(c)
    return c.redirect('/ui/sign-in', 303)
  })

  return routes
}
