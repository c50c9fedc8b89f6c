import { getConnInfo } from '@hono/node-server/conninfo'
import { Hono, type Context } from 'hono'
import { decideForwardAuth } from '../../auth/forward-auth.js'
import type { Config } from '../../config.js'
import { forbidden, networkNotAllowed } from '../../errors.js'
import { isInNetworks, parseAddress } from '../../limits/cidr.js'
import type { AppEnv } from '../env.js'
import { requestHeader } from '../middleware/request-frame.js'
import { createProxyCookie } from '../proxy-cookie.js'

type Deps = Omit<Parameters<typeof decideForwardAuth>[0], 'cookieDomain'> & {
  config: Pick<Config, 'issuer' | 'cookieDomain' | 'trustProxy'>
}
type Flavour = 'forward-auth' | 'auth-request'

/**
 * A header value carrying a person's text: its UTF-8 bytes, one per character, which is what
 * a Go or C proxy passes on and an upstream reads back as UTF-8 (`Zoë`, `李` intact). Control
 * characters go: no value can split a header.
 */
const headerValue = (text: string) =>
  Buffer.from([...text].filter((ch) => ch >= ' ' && ch !== '\u007f').join(''), 'utf8').toString(
    'latin1',
  )

/** The proxied request, from the headers of the endpoint's own proxy kind only. */
function targetOf(c: Context<AppEnv>, flavour: Flavour): { url: URL; method: string } | null {
  const header = (name: string) => requestHeader(c, name)?.split(',')[0]?.trim()
  // Each endpoint reads only the headers its proxy sets: Caddy passes a client's own
  // X-Original-URL through to forward-auth, nginx a client's X-Forwarded-Host to
  // auth-request, and either would let a client pick the app whose policy is asked.
  const text =
    flavour === 'auth-request'
      ? header('x-original-url')
      : `${header('x-forwarded-proto')}://${header('x-forwarded-host')}${header('x-forwarded-uri') ?? '/'}`
  const method = header(flavour === 'auth-request' ? 'x-original-method' : 'x-forwarded-method')
  try {
    const url = new URL(text ?? '')
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
    return { url, method: (method ?? 'GET').toUpperCase() }
  } catch {
    return null
  }
}

/**
 * Forward auth for reverse proxies (API §13): Authelia's endpoints and `Remote-*` headers.
 * Off (404) without AUTH_COOKIE_DOMAIN; only the configured proxies are answered, judged by
 * the socket peer (a client-sent X-Forwarded-For proves nothing).
 */
export function forwardAuthRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const { cookieDomain, issuer, trustProxy } = deps.config
  if (cookieDomain === null) return routes
  const cookie = createProxyCookie({ domain: cookieDomain, secure: issuer.startsWith('https:') })
  const signInURL = (target: URL) =>
    `${new URL('/ui/sign-in', issuer).href}?rd=${encodeURIComponent(target.href)}`

  // The trust of a proxy's address, judged once per address: proxies are few, and parsing
  // the address each time was a tenth of an answer's work. Bounded all the same.
  const trusted = new Map<string, boolean>()
  const isTrustedPeer = (peer: string) => {
    let yes = trusted.get(peer)
    if (yes === undefined) {
      const address = parseAddress(peer)
      yes = address !== null && isInNetworks(address, trustProxy)
      if (trusted.size >= 256) trusted.clear()
      trusted.set(peer, yes)
    }
    return yes
  }

  const decideDeps = { ...deps, cookieDomain }
  const answer = (flavour: Flavour) =>
    function forwardAuth(c: Context<AppEnv>) {
      let peer: string | undefined
      try {
        peer = getConnInfo(c).remote.address
      } catch {
        peer = undefined
      }
      if (peer === undefined || !isTrustedPeer(peer)) throw networkNotAllowed()
      const target = targetOf(c, flavour)
      const decision =
        target &&
        decideForwardAuth(decideDeps, {
          host: target.url.hostname,
          token: cookie.read(requestHeader(c, 'cookie')),
        })
      if (decision?.kind === 'allowed') {
        // A plain header object: @hono/node-server writes it as it is (`c.header` builds a
        // fetch Headers object per answer, which it then copies again).
        const { person, groups } = decision
        return new Response(null, {
          status: 200,
          headers: {
            'Cache-Control': 'no-store',
            'Remote-User': person.username,
            'Remote-Name': headerValue(person.displayName),
            'Remote-Email': headerValue(person.email ?? ''),
            'Remote-Groups': groups.join(','),
          },
        })
      }
      c.header('Cache-Control', 'no-store')
      if (!target || decision?.kind === 'unknown_app') {
        throw forbidden('The request names no protected app.')
      }
      if (decision?.kind === 'forbidden') throw forbidden('This app is not open to you.')
      const location = signInURL(target.url)
      c.header('Location', location)
      const accept = requestHeader(c, 'accept') ?? ''
      const isXHR = requestHeader(c, 'x-requested-with')?.toLowerCase() === 'xmlhttprequest'
      const isBrowser = /\btext\/html\b/i.test(accept) && !isXHR
      if (flavour === 'auth-request' || !isBrowser) {
        return c.json({ error: 'unauthorized', message: 'Sign in first.' }, 401)
      }
      return c.redirect(location, target.method === 'GET' || target.method === 'HEAD' ? 302 : 303)
    }

  routes.get('/api/authz/forward-auth', answer('forward-auth'))
  routes.get('/api/authz/auth-request', answer('auth-request'))
  return routes
}
