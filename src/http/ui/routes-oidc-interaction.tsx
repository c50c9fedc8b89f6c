import { Hono, type Context } from 'hono'
import type { InteractionResults } from 'oidc-provider'
import { unixSeconds, type Clock } from '../../clock.js'
import type { AppRow } from '../../auth/apps.js'
import { accessOf, type BrowserPerson, type BrowserPersonOf } from '../../oidc/browser-person.js'
import { grantRequested } from '../../oidc/grants.js'
import type { OIDCPayloads } from '../../oidc/payload-store.js'
import type { OIDCProvider } from '../../oidc/provider.js'
import { PAGE_CSP } from '../../oidc/provider-config.js'
import type { AppEnv } from '../env.js'
import { clientAddressOf, rawOf } from '../routes/oidc-raw.js'
import type { UICookies } from './cookies.js'
import { providerPages } from './routes-oidc-pages.js'

export interface OIDCInteractionDeps {
  oidc: OIDCProvider
  apps: { findByClientId(clientId: string): AppRow | null }
  browserPersonOf: BrowserPersonOf
  cookies: Pick<UICookies, 'session'>
  clock: Clock
  oidcPayloads: Pick<OIDCPayloads, 'upsert' | 'find'>
}

/** Remembers, per interaction, which session (if any) the browser had when sent to sign in. */
const SIGN_IN_ASKED = 'SignInAsked'

type Details = Awaited<
  ReturnType<Awaited<ReturnType<OIDCProvider['provider']>>['interactionDetails']>
>

/** Whether this authorization needs a sign-in newer than the one the browser has. */
function needsFreshSignIn(details: Details, person: BrowserPerson, now: number): boolean {
  if (details.prompt.reasons.includes('login_prompt')) return true
  const maxAge = Number(details.params.max_age)
  return Number.isFinite(maxAge) && now - person.session.authTime > maxAge
}

/**
 * The provider's interactions, answered from the web UI's session (API §12): signed in
 * strongly enough for the app → the interaction finishes at once, no consent screen;
 * otherwise the person signs in at /ui/sign-in and comes back here; outside the app's groups
 * → the app gets `access_denied`.
 */
export function oidcInteractionRoutes(deps: OIDCInteractionDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.get('/oidc/interaction/:uid', async (c) => {
    const { req, res } = rawOf(c)
    const provider = await deps.oidc.provider()
    deps.oidc.asIssuer(req, clientAddressOf(c))
    let details: Details
    try {
      details = await provider.interactionDetails(req, res)
    } catch {
      return expired(c)
    }
    if (details.uid !== c.req.param('uid')) return expired(c)
    const finish = async (result: InteractionResults) => {
      const returnTo = await provider.interactionResult(req, res, result, {
        mergeWithLastSubmission: false,
      })
      return c.redirect(returnTo, 303)
    }
    const app = deps.apps.findByClientId(String(details.params.client_id))
    if (!app) return finish({ error: 'access_denied', error_description: 'The app is gone.' })

    const here = `/oidc/interaction/${details.uid}`
    const person = deps.browserPersonOf(deps.cookies.session(c))
    const signIn = (again: boolean) => {
      const ttl = Math.max(1, (details.exp ?? 0) - unixSeconds(deps.clock))
      deps.oidcPayloads.upsert(SIGN_IN_ASKED, details.uid, { sessionId: person?.session.id }, ttl)
      return c.redirect(
        `/ui/sign-in?${again ? 'reauth=1&' : ''}return_to=${encodeURIComponent(here)}`,
      )
    }
    if (!person) return signIn(false)
    // Signed in anew since this interaction sent the browser to sign in (every sign-in makes a
    // new session): asking again would loop, and it is as fresh as a sign-in can be.
    const asked = deps.oidcPayloads.find(SIGN_IN_ASKED, details.uid)
    const signedInHere = asked !== undefined && asked.sessionId !== person.session.id
    if (needsFreshSignIn(details, person, unixSeconds(deps.clock)) && !signedInHere) {
      return signIn(true)
    }
    const access = accessOf(app, person)
    if (access === 'outside_groups') {
      return finish({
        error: 'access_denied',
        error_description: 'Not a member of this app’s groups.',
      })
    }
    if (access === 'too_weak') {
      if (!signedInHere) return signIn(true)
      const why = app.requireMfa
        ? 'This app needs a second factor.'
        : 'This app needs a password or passkey.'
      return finish({ error: 'access_denied', error_description: why })
    }
    const grant = await grantRequested(provider, {
      accountId: person.user.id,
      clientId: app.clientId!,
      scope: String(details.params.scope ?? 'openid'),
      grantId: details.grantId,
    })
    return finish({
      login: {
        accountId: person.user.id,
        ts: person.session.authTime,
        amr: person.amr,
        remember: true,
      },
      consent: { grantId: grant.jti },
    })
  })

  return routes
}

/** An interaction that expired or belongs to another browser: no redirect, a page. */
const expired = (c: Context<AppEnv>) => {
  c.header('Content-Security-Policy', PAGE_CSP)
  return c.html(
    providerPages.error({
      error: 'invalid_request',
      error_description:
        'This sign-in took too long or was started elsewhere. Go back to the app and start again.',
    }),
    400,
  )
}
