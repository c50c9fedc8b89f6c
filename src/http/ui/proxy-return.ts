import { checkAppAccess } from '../../auth/app-policy.js'
import { isUnderDomain, type AppsByHost } from '../../auth/forward-auth.js'
import type { Apps } from '../../auth/apps.js'
import type { Groups } from '../../auth/groups.js'
import type { ProxySessions } from '../../auth/proxy-sessions.js'
import { parseAMR } from '../../auth/session-strength.js'
import { unixSeconds, type Clock } from '../../clock.js'
import type { Config } from '../../config.js'
import { invalidRequest } from '../../errors.js'
import { createProxyCookie } from '../proxy-cookie.js'
import { signedInOf, type UIContext } from './ui-context.js'

export interface ProxyReturnDeps {
  config: Pick<Config, 'issuer' | 'cookieDomain'>
  clock: Clock
  appsByHost: Pick<AppsByHost, 'find'>
  proxySessions: Pick<ProxySessions, 'issue'>
  groups: Pick<Groups, 'namesOf'>
}

/**
 * The way back to a forward-auth app (API §13): `/ui/sign-in?rd=<url>`. `rd` is followed
 * only to an https URL (or one of the issuer's scheme) whose host is an app's domain under
 * AUTH_COOKIE_DOMAIN; anything else is 400, never an open redirect. A browser signed in
 * strongly enough for that app gets the proxy cookie and goes straight back; otherwise
 * (null) the sign-in form is shown, and it returns here afterwards.
 */
export function createProxyReturn(deps: ProxyReturnDeps) {
  const { cookieDomain, issuer } = deps.config
  const issuerScheme = new URL(issuer).protocol
  const cookie = cookieDomain
    ? createProxyCookie({ domain: cookieDomain, secure: issuerScheme === 'https:' })
    : null

  function checkedApp(rd: string) {
    let url: URL | null
    try {
      url = new URL(rd)
    } catch {
      url = null
    }
    const schemeOK = url?.protocol === 'https:' || url?.protocol === issuerScheme
    const app =
      url && schemeOK && cookieDomain && isUnderDomain(url.hostname, cookieDomain)
        ? deps.appsByHost.find(url.hostname)
        : null
    if (!url || !app || url.username || url.password) {
      throw invalidRequest('rd: not the address of an app protected by forward auth', 'rd')
    }
    return { url, app }
  }

  return function proxyReturn(c: UIContext, rd: string): Response | null {
    const { url, app } = checkedApp(rd)
    const signed = signedInOf(c)
    if (!signed || !cookie) return null
    const who = {
      user: signed.user,
      groups: deps.groups.namesOf(signed.user.id),
      amr: parseAMR(signed.session.amr),
    }
    // Too weak for this app: sign in again (a password or passkey), then come back here.
    if (checkAppAccess(app, who) === 'too_weak') return null
    const token = deps.proxySessions.issue(signed.session)
    cookie.set(c, token, signed.session.expiresAt - unixSeconds(deps.clock))
    return c.redirect(url.href, 302)
  }
}

/**
 * CSP form-action sources for the forward-auth apps: a sign-in form's redirect chain ends at
 * the app (`rd`), and browsers hold every hop of it to form-action. Any port: the proxy's.
 */
export const proxyAppSources =
  (apps: Pick<Apps, 'list'>, config: Pick<Config, 'issuer' | 'cookieDomain'>) => () => {
    const domain = config.cookieDomain
    if (!domain) return []
    const schemes = [...new Set(['https:', new URL(config.issuer).protocol])]
    return apps
      .list()
      .flatMap((app) => app.domains)
      .filter((host) => isUnderDomain(host, domain))
      .flatMap((host) => schemes.map((scheme) => `${scheme}//${host}:*`))
  }
