import { randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../env.js'

export type UICookies = ReturnType<typeof createUICookies>

/**
 * The web UI's cookies. On https their names carry the `__Host-` prefix, so no sibling
 * origin (another app on the same NAS) can plant or shadow them: the browser accepts such a
 * cookie only from this host, Secure, with Path=/ and no Domain.
 */
export function createUICookies(options: { secure: boolean }) {
  const prefix = options.secure ? '__Host-' : ''
  const names = { session: `${prefix}hma_session`, browser: `${prefix}hma_browser` }
  const base = { httpOnly: true, secure: options.secure, path: '/' } as const

  return {
    names,
    /**
     * The browser session: a refresh token in an HttpOnly, SameSite=Lax cookie on Path=/
     * (API §12: the OIDC authorization endpoint must see it). No page script can read it.
     */
    setSession(c: Context<AppEnv>, refreshToken: string, maxAgeSeconds: number): void {
      setCookie(c, names.session, refreshToken, { ...base, sameSite: 'Lax', maxAge: maxAgeSeconds })
    },
    clearSession(c: Context<AppEnv>): void {
      deleteCookie(c, names.session, base)
    },
    session: (c: Context<AppEnv>) => getCookie(c, names.session) ?? null,
    /**
     * A signed-out browser's random nonce, the binding of its CSRF token until it signs in
     * (then the token binds to the session instead). SameSite=Strict.
     */
    existingBrowserNonce: (c: Context<AppEnv>) => getCookie(c, names.browser) ?? null,
    browserNonce(c: Context<AppEnv>): string {
      const existing = getCookie(c, names.browser)
      if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing
      const nonce = randomBytes(32).toString('base64url')
      setCookie(c, names.browser, nonce, { ...base, sameSite: 'Strict' })
      return nonce
    },
  }
}
