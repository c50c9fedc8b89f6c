import { invalidRequest } from '../errors.js'

/** App names (API §11): 1–64 of a-z 0-9 - _. */
export const APP_NAME = /^[a-z0-9_-]{1,64}$/
export const ID_TOKEN_ALGS = ['RS256', 'ES256'] as const
export type IDTokenAlg = (typeof ID_TOKEN_ALGS)[number]

/** An app's settings as an admin gives them; arrays of strings, all optional but the name. */
export interface AppSettings {
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  public: boolean
  pkce: boolean
  idTokenAlg: IDTokenAlg
  domains: string[]
  groups: string[]
  allowPin: boolean
  requireMfa: boolean
}

export const DEFAULT_SETTINGS: AppSettings = {
  redirectUris: [],
  postLogoutRedirectUris: [],
  public: false,
  pkce: true,
  idTokenAlg: 'RS256',
  domains: [],
  groups: [],
  allowPin: false,
  requireMfa: false,
}

const MAX_ENTRIES = 20
const URI_MAX = 2000
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
/** RFC 1123 host names: dot-separated labels of a-z 0-9 -, not starting or ending with -. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

const isLoopback = (hostname: string) =>
  LOOPBACK.has(hostname) || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname)

/**
 * A redirect URI the provider will send codes to: absolute, no fragment (RFC 6749 §3.1.2), no
 * user info, https — or http on a loopback host (RFC 8252 §7.3), or anywhere when this service
 * itself runs on http (a household LAN without TLS: the codes' own issuer is then in clear too).
 */
export function redirectURIProblem(raw: string, allowHTTP: boolean): string | null {
  if (raw.length > URI_MAX) return `at most ${URI_MAX} characters`
  if (raw.includes('#')) return 'must not have a fragment'
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'must be an absolute URL'
  }
  if (url.username || url.password) return 'must not carry a user name or password'
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && (allowHTTP || isLoopback(url.hostname))) return null
  return 'must use https (http only on localhost or loopback addresses)'
}

function checkURIs(field: string, uris: string[], allowHTTP: boolean): string[] {
  if (uris.length > MAX_ENTRIES) throw invalidRequest(`${field}: at most ${MAX_ENTRIES}`)
  for (const uri of uris) {
    const problem = redirectURIProblem(uri, allowHTTP)
    if (problem) throw invalidRequest(`${field}: ${problem}`)
  }
  return [...new Set(uris)]
}

/** Host names are compared lower-cased, without port or scheme. */
function checkDomains(domains: string[]): string[] {
  if (domains.length > MAX_ENTRIES) throw invalidRequest(`domains: at most ${MAX_ENTRIES}`)
  const normalized = domains.map((domain) => domain.trim().toLowerCase())
  for (const domain of normalized) {
    if (!HOST_NAME.test(domain))
      throw invalidRequest('domains: must be host names like app.home.arpa')
  }
  return [...new Set(normalized)].sort()
}

/**
 * Checks and normalises an app's settings (the group names' existence is checked by the
 * caller, which holds the database). Throws 400 naming the field at fault.
 */
export function checkAppSettings(settings: AppSettings, allowHTTP: boolean): AppSettings {
  const redirectUris = checkURIs('redirect_uris', settings.redirectUris, allowHTTP)
  const postLogout = checkURIs(
    'post_logout_redirect_uris',
    settings.postLogoutRedirectUris,
    allowHTTP,
  )
  const isClient = redirectUris.length > 0
  if (!isClient && postLogout.length > 0) {
    throw invalidRequest('post_logout_redirect_uris: only an app with redirect_uris has them')
  }
  if (!isClient && settings.public) {
    throw invalidRequest('public: only an app with redirect_uris (an OIDC client) is public')
  }
  // A public client has no secret: PKCE is what binds the code to the one who asked for it.
  if (settings.public && !settings.pkce) throw invalidRequest('pkce: a public client must use PKCE')
  if (!ID_TOKEN_ALGS.includes(settings.idTokenAlg)) {
    throw invalidRequest('id_token_alg: must be RS256 or ES256')
  }
  const groups = [...new Set(settings.groups)].sort()
  return {
    ...settings,
    redirectUris,
    postLogoutRedirectUris: postLogout,
    domains: checkDomains(settings.domains),
    groups,
  }
}
