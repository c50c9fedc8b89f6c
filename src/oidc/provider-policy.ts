import type { KoaContextWithOIDC, interactionPolicy as Policy } from 'oidc-provider'
import type { AppRow } from '../auth/apps.js'
import { accessOf, type BrowserPerson, type BrowserPersonOf } from './browser-person.js'

export interface PolicyDeps {
  appOf: (clientId: string) => AppRow | null
  browserPersonOf: BrowserPersonOf
  sessionCookieName: string
}

/** The web UI's session of the browser making a provider request (the cookie is on Path=/). */
export const browserPersonIn = (ctx: KoaContextWithOIDC, deps: PolicyDeps) =>
  deps.browserPersonOf(ctx.cookies.get(deps.sessionCookieName, { signed: false }))

/**
 * The provider's prompts with two checks of this service added to `login`: its session
 * follows the web UI's (same person, same sign-in, strong enough for the app: API §11, §12),
 * so signing out of /ui, or any revocation of that session, ends it too; and a person
 * outside the app's groups is refused with `access_denied` (also under `prompt=none`).
 */
export function interactionPolicy(policy: typeof Policy, deps: PolicyDeps) {
  const { Check, base } = policy
  const prompts = base()
  const login = prompts.get('login')!
  const appAndPerson = (ctx: KoaContextWithOIDC) => {
    const app = ctx.oidc.client ? deps.appOf(ctx.oidc.client.clientId) : null
    return { app, person: browserPersonIn(ctx, deps) }
  }
  const followsBrowser = (session: KoaContextWithOIDC['oidc']['session'], person: BrowserPerson) =>
    session?.accountId === person.user.id && session.loginTs === person.session.authTime
  login.checks.add(
    new Check('ui_session', 'End-User authentication is required', 'login_required', (ctx) => {
      const { app, person } = appAndPerson(ctx)
      if (!app || !person || !followsBrowser(ctx.oidc.session, person)) return Check.REQUEST_PROMPT
      return accessOf(app, person) === 'too_weak' ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT
    }),
  )
  login.checks.add(
    new Check('outside_groups', 'Not a member of the app’s groups', 'access_denied', (ctx) => {
      const { app, person } = appAndPerson(ctx)
      if (!app || !person) return Check.NO_NEED_TO_PROMPT
      return accessOf(app, person) === 'outside_groups'
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT
    }),
  )
  return prompts
}
