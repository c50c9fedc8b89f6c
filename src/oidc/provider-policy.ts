import type { Account, KoaContextWithOIDC, interactionPolicy as Policy } from 'oidc-provider'
import type { AppRow } from '../auth/apps.js'
import { accessOf, type BrowserPerson, type BrowserPersonOf } from './browser-person.js'
import { grantRequested } from './grants.js'

export interface PolicyDeps {
  findAccount: (ctx: KoaContextWithOIDC, sub: string) => Promise<Account | undefined>
  appOf: (clientId: string) => AppRow | null
  browserPersonOf: BrowserPersonOf
  sessionCookieName: string
}

/** The web UI's session of the browser making a provider request (the cookie is on Path=/). */
export const browserPersonIn = (ctx: KoaContextWithOIDC, deps: PolicyDeps) =>
  deps.browserPersonOf(ctx.cookies.get(deps.sessionCookieName, { signed: false }))

/**
 * The provider's prompts with two checks of this service put first in `login` (API §11, §12):
 * - a person outside the app's groups is refused with `access_denied` (under `prompt=none`
 *   too: signing in again would not help);
 * - the provider's session follows the web UI's: a browser signed in to /ui strongly enough
 *   for the app is signed in to the provider as that person, with that sign-in's time and
 *   methods (so `prompt=none` works from the web UI's session alone); no web UI session, or
 *   one too weak for the app (PIN only, no second factor), needs a sign-in. Signing out of
 *   /ui, or any revocation of that session, thus ends the provider's session too.
 */
export function interactionPolicy(policy: typeof Policy, deps: PolicyDeps) {
  const { Check, base } = policy
  const prompts = base()
  const login = prompts.get('login')!
  const appAndPerson = (ctx: KoaContextWithOIDC) => {
    const app = ctx.oidc.client ? deps.appOf(ctx.oidc.client.clientId) : null
    return { app, person: browserPersonIn(ctx, deps) }
  }
  const outsideGroups = new Check(
    'outside_groups',
    'Not a member of the app’s groups',
    'access_denied',
    (ctx) => {
      const { app, person } = appAndPerson(ctx)
      return !!app && !!person && accessOf(app, person) === 'outside_groups'
    },
  )
  const followsWebUI = new Check(
    'ui_session',
    'End-User authentication is required',
    'login_required',
    async (ctx) => {
      const { app, person } = appAndPerson(ctx)
      const session = ctx.oidc.session
      if (!app || !session) return Check.REQUEST_PROMPT
      if (!person || accessOf(app, person) !== 'allowed') {
        // No usable web UI sign-in: whatever the provider's session says, sign in first.
        return Check.REQUEST_PROMPT
      }
      if (followsBrowser(session, person)) return Check.NO_NEED_TO_PROMPT
      // Another person than before: nothing granted to them carries over.
      if (session.accountId !== person.user.id) session.authorizations = {}
      // Synchronous up to here: the other login checks, started after this one, already see
      // the session signed in. The account and grant that oidc-provider loaded before the
      // checks (for the session as it was) are loaded again, as its loadGrant step does.
      session.loginAccount({
        accountId: person.user.id,
        loginTs: person.session.authTime,
        amr: person.amr,
      })
      const account = await deps.findAccount(ctx, person.user.id)
      if (!account) return Check.REQUEST_PROMPT
      ctx.oidc.entity('Account', account)
      const clientId = app.clientId!
      const grant = await grantRequested(ctx.oidc.provider, {
        accountId: person.user.id,
        clientId,
        scope: String(ctx.oidc.params?.scope ?? 'openid'),
        grantId: session.grantIdFor(clientId),
      })
      session.ensureClientContainer(clientId)
      session.grantIdFor(clientId, grant.jti)
      ctx.oidc.entity('Grant', grant)
      return Check.NO_NEED_TO_PROMPT
    },
  )
  login.checks.add(outsideGroups, 0)
  login.checks.add(followsWebUI, 1)
  return prompts
}

function followsBrowser(
  session: NonNullable<KoaContextWithOIDC['oidc']['session']>,
  person: BrowserPerson,
) {
  return session.accountId === person.user.id && session.loginTs === person.session.authTime
}
