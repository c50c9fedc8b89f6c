import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../env.js'

export const SESSION_COOKIE = 'hma_session'
export const CSRF_COOKIE = 'hma_csrf'

const secure = (c: Context<AppEnv>) => c.get('services').config.issuer.startsWith('https:')

/**
 * The browser session: a refresh token in an HttpOnly, SameSite=Lax cookie (Secure when the
 * issuer is https). No token is ever readable by page scripts.
 */
export function setSessionCookie(
  c: Context<AppEnv>,
  refreshToken: string,
  maxAgeSeconds: number,
): void {
  setCookie(c, SESSION_COOKIE, refreshToken, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secure(c),
    path: '/ui',
    maxAge: maxAgeSeconds,
  })
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/ui', secure: secure(c) })
}

export const sessionCookie = (c: Context<AppEnv>) => getCookie(c, SESSION_COOKIE) ?? null

/**
 * CSRF token (double submit): a random value in a SameSite=Strict cookie that every form and
 * script request repeats. A cross-site form cannot read it, and the browser does not send a
 * Strict cookie with a cross-site POST.
 */
export function csrfToken(c: Context<AppEnv>): string {
  const existing = getCookie(c, CSRF_COOKIE)
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing
  const token = randomBytes(32).toString('base64url')
  setCookie(c, CSRF_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: secure(c),
    path: '/ui',
  })
  return token
}

export function csrfMatches(c: Context<AppEnv>, submitted: string | undefined): boolean {
  const cookie = getCookie(c, CSRF_COOKIE)
  if (!cookie || !submitted) return false
  const a = Buffer.from(cookie)
  const b = Buffer.from(submitted)
  return a.length === b.length && timingSafeEqual(a, b)
}
