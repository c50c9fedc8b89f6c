import type { Context, MiddlewareHandler } from 'hono'
import { html } from 'hono/html'
import type { JSX } from 'hono/jsx/jsx-runtime'
import type { TokenResponse } from '../../auth/token-response.js'
import type { SessionRow } from '../../auth/sessions.js'
import type { UserRow } from '../../auth/users.js'
import { AuthError, forbidden, invalidRequest } from '../../errors.js'
import { readForm } from '../body.js'
import type { AppEnv } from '../env.js'
import { csrfMatches, csrfToken, sessionCookie, setSessionCookie } from './cookies.js'

export type UIContext = Context<AppEnv>

/** The signed-in person of a web UI request, from the session cookie; null when signed out. */
export function uiUser(c: UIContext): { user: UserRow; session: SessionRow } | null {
  const token = sessionCookie(c)
  if (!token) return null
  const { sessions, users } = c.get('services')
  const session = sessions.peek(token)
  const user = session ? users.findById(session.userId) : null
  return session && user && !user.disabled ? { user, session } : null
}

export const isPinOnly = (session: SessionRow) => session.amr === '["pin"]'

export function pageBase(c: UIContext) {
  const signed = uiUser(c)
  return {
    csrf: csrfToken(c),
    signedIn: signed
      ? { displayName: signed.user.displayName, isAdmin: signed.user.role === 'admin' }
      : null,
  }
}

export function render(
  c: UIContext,
  page: JSX.Element,
  status: 200 | 400 | 401 | 403 | 404 | 409 | 429 = 200,
) {
  return c.html(html`<!DOCTYPE html>${page}`, status)
}

/** Signs the browser in: the refresh token goes into the HttpOnly cookie, nothing else. */
export function startBrowserSession(c: UIContext, tokens: TokenResponse): void {
  setSessionCookie(c, tokens.refresh_token, tokens.refresh_expires_in)
}

/**
 * Every state-changing /ui request: same-origin (Origin, when sent, must be ours) and the
 * CSRF token repeated from its SameSite=Strict cookie (form field or X-CSRF-Token header).
 */
export function uiCsrf(): MiddlewareHandler<AppEnv> {
  return async function uiCsrfMiddleware(c, next) {
    if (c.req.method !== 'POST') return next()
    const origin = c.req.header('origin')
    const own = new URL(c.req.url).origin
    const issuer = new URL(c.get('services').config.issuer).origin
    // With Referrer-Policy: no-referrer browsers send `Origin: null` even for our own forms:
    // that proves nothing either way, and the token below decides.
    if (origin !== undefined && origin !== 'null' && origin !== own && origin !== issuer) {
      throw forbidden('Cross-site request refused.')
    }
    let submitted = c.req.header('x-csrf-token')
    const isForm = /^application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '')
    if (submitted === undefined && isForm) {
      const form = await readForm(c)
      c.set('form', form)
      submitted = form.get('csrf') ?? undefined
    }
    if (!csrfMatches(c, submitted))
      throw forbidden('The form has expired; reload the page and try again.')
    await next()
  }
}

export const formValue = (c: UIContext, name: string) => c.get('form')?.get(name) ?? ''

/** `return_to` only to an origin in AUTH_RETURN_TO_ORIGINS: anything else is an open redirect. */
export function checkedReturnTo(c: UIContext, value: string | null | undefined): string | null {
  if (!value) return null
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalidRequest('return_to: not an absolute URL')
  }
  if (!c.get('services').config.returnToOrigins.includes(url.origin)) {
    throw invalidRequest('return_to: that address is not allowed')
  }
  return url.toString()
}

/** Runs a form action; an AuthError becomes the same page again with its message. */
export async function attempt(
  c: UIContext,
  action: () => Promise<Response>,
  again: (message: { kind: 'error'; text: string }) => JSX.Element,
): Promise<Response> {
  try {
    return await action()
  } catch (error) {
    if (!(error instanceof AuthError) || error.status >= 500) throw error
    if (error.retryAfterSeconds !== undefined)
      c.header('Retry-After', String(error.retryAfterSeconds))
    return render(c, again({ kind: 'error', text: error.message }), error.status as 400)
  }
}
