import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'
import { parse } from 'hono/utils/cookie'
import type { AppEnv } from './env.js'

export type ProxyCookie = ReturnType<typeof createProxyCookie>

/**
 * The forward-auth cookie (API §13), for AUTH_COOKIE_DOMAIN so every protected app's host
 * sends it to its proxy. HttpOnly (no app's script reads it), Secure on https with the
 * `__Secure-` prefix (`__Host-` forbids a Domain), SameSite=Lax so a top-level visit from a
 * link is signed in while a cross-site subrequest is not.
 */
export function createProxyCookie(options: { domain: string; secure: boolean }) {
  const name = options.secure ? '__Secure-hma_proxy' : 'hma_proxy'
  return {
    name,
    /** The cookie's value in a request's Cookie header, read as hono's getCookie reads it. */
    read: (cookieHeader: string | undefined) =>
      (cookieHeader ? parse(cookieHeader, name)[name] : undefined) ?? null,
    set(c: Context<AppEnv>, token: string, maxAgeSeconds: number): void {
      setCookie(c, name, token, {
        domain: options.domain,
        path: '/',
        httpOnly: true,
        secure: options.secure,
        sameSite: 'Lax',
        maxAge: Math.max(0, maxAgeSeconds),
      })
    },
  }
}
