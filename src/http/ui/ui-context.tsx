import { timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { html } from 'hono/html'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { isPinOnly, parseAMR } from '../../auth/session-strength.js'
import type { Sessions } from '../../auth/sessions.js'
import type { Users } from '../../auth/users.js'
import type { Config } from '../../config.js'
import { AuthError, forbidden, invalidRequest, type ErrorCode } from '../../errors.js'
import type { Proof } from '../../auth/recent-sign-in.js'
import type { SecretKeys } from '../../secret-keys.js'
import type { z } from 'zod'
import { readForm, validate } from '../body.js'
import type { AppEnv, SignedIn } from '../env.js'
import type { UICookies } from './cookies.js'

export type UIContext = Context<AppEnv>

/** What every web UI middleware and page helper uses, handed over when the UI is built. */
export interface UIShell {
  config: Pick<Config, 'issuer' | 'returnToOrigins' | 'passwordMinLength' | 'pinMinLength'>
  sessions: Pick<Sessions, 'peek'>
  users: Pick<Users, 'findById' | 'count'>
  secretKeys: Pick<SecretKeys, 'csrfToken'>
  cookies: UICookies
}

/** Resolves the signed-in person of a /ui request once, from the session cookie. */
export function uiSession(shell: UIShell): MiddlewareHandler<AppEnv> {
  return async function uiSessionMiddleware(c, next) {
    const token = shell.cookies.session(c)
    const session = token ? shell.sessions.peek(token) : null
    const user = session ? shell.users.findById(session.userId) : null
    c.set('signedIn', session && user && !user.disabled ? { user, session } : null)
    await next()
  }
}

export const signedInOf = (c: UIContext): SignedIn | null => c.get('signedIn') ?? null
export const isPinOnlySession = (signed: SignedIn) => isPinOnly(parseAMR(signed.session.amr))

/**
 * The CSRF token of this browser: an HMAC (key derived from the master secret) of the
 * session id once signed in, else of the browser's random nonce. A value planted by another
 * origin is worthless: nobody without the key can make the token that matches it.
 */
export function csrfToken(shell: UIShell, c: UIContext): string {
  const signed = signedInOf(c)
  const binding = signed
    ? `session:${signed.session.id}`
    : `browser:${shell.cookies.browserNonce(c)}`
  return shell.secretKeys.csrfToken(binding)
}

function expectedCSRF(shell: UIShell, c: UIContext): string | null {
  const signed = signedInOf(c)
  if (signed) return shell.secretKeys.csrfToken(`session:${signed.session.id}`)
  const nonce = shell.cookies.existingBrowserNonce(c)
  return nonce ? shell.secretKeys.csrfToken(`browser:${nonce}`) : null
}

export function pageBase(shell: UIShell, c: UIContext) {
  const signed = signedInOf(c)
  return {
    csrf: csrfToken(shell, c),
    passwordMinLength: shell.config.passwordMinLength,
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

/**
 * Every state-changing /ui request: the browser says it comes from this origin
 * (`Sec-Fetch-Site`, when sent, is `same-origin`; `Origin`, when sent, is ours and not
 * `null`), and it repeats the CSRF token bound to its session (form field or X-CSRF-Token).
 */
export function uiCsrf(shell: UIShell): MiddlewareHandler<AppEnv> {
  const issuerOrigin = new URL(shell.config.issuer).origin
  return async function uiCsrfMiddleware(c, next) {
    if (c.req.method !== 'POST') return next()
    const site = c.req.header('sec-fetch-site')
    if (site !== undefined && site !== 'same-origin') {
      throw forbidden('Cross-site request refused.')
    }
    const origin = c.req.header('origin')
    const own = new URL(c.req.url).origin
    if (origin !== undefined && origin !== own && origin !== issuerOrigin) {
      throw forbidden('Cross-site request refused.')
    }
    let submitted = c.req.header('x-csrf-token')
    const isForm = /^application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '')
    if (submitted === undefined && isForm) {
      const form = await readForm(c)
      c.set('form', form)
      submitted = form.get('csrf') ?? undefined
    }
    const expected = expectedCSRF(shell, c)
    if (!expected || !submitted || !sameText(expected, submitted))
      throw forbidden('The form has expired; reload the page and try again.')
    await next()
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

export const formValue = (c: UIContext, name: string) => c.get('form')?.get(name) ?? ''

/**
 * The posted form, checked by the same request schema as the JSON API's body (an empty
 * field counts as left out), so a field's rules cannot drift between the two doors.
 */
export function formAs<T extends z.ZodType>(c: UIContext, schema: T): z.infer<T> {
  const fields: Record<string, string> = {}
  for (const [name, value] of c.get('form') ?? []) if (value !== '') fields[name] = value
  return validate(schema, fields)
}

/**
 * `return_to` only to this service's own pages (the web UI, an OIDC authorization waiting for
 * the sign-in: API §12) or an origin in AUTH_RETURN_TO_ORIGINS: anything else is an open
 * redirect.
 */
export function checkedReturnTo(shell: UIShell, value: string | null | undefined): string | null {
  if (!value) return null
  if (/^\/ui\/[A-Za-z0-9/_-]*$/.test(value)) return value
  if (/^\/oidc\/interaction\/[A-Za-z0-9_-]{1,64}$/.test(value)) return value
  // Back to forward auth's sign-in step (API §13), which checks its `rd` again when followed.
  if (/^\/ui\/sign-in\?rd=[A-Za-z0-9%._~!*'()-]{1,4096}$/.test(value)) return value
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalidRequest('return_to: not an absolute URL', 'return_to')
  }
  if (!shell.config.returnToOrigins.includes(url.origin)) {
    throw invalidRequest('return_to: that address is not allowed', 'return_to')
  }
  return url.toString()
}

export interface UIMessage {
  kind: 'error' | 'info'
  text: string
  code?: ErrorCode
}

/** How recently the signed-in person signed in, and the password the form sent, if any. */
export const uiProof = (c: UIContext, signed: SignedIn): Proof => ({
  authTime: signed.session.authTime,
  currentPassword: formValue(c, 'current_password') || undefined,
})

/** `reauth_required` in the web UI: sign in again, then back to `page` (API §7). */
export const reauthRedirect = (page: string) => (c: UIContext, error: AuthError) =>
  error.code === 'reauth_required'
    ? c.redirect(`/ui/sign-in?reauth=1&return_to=${encodeURIComponent(page)}`, 303)
    : null

/** Runs a form action; an AuthError becomes the same page again with its message. */
export async function attempt(
  c: UIContext,
  action: () => Promise<Response>,
  again: (message: UIMessage) => JSX.Element,
  redirect?: (c: UIContext, error: AuthError) => Response | null,
): Promise<Response> {
  try {
    return await action()
  } catch (error) {
    if (!(error instanceof AuthError) || error.status >= 500) throw error
    const away = redirect?.(c, error)
    if (away) return away
    if (error.retryAfterSeconds !== undefined)
      c.header('Retry-After', String(error.retryAfterSeconds))
    const message = { kind: 'error' as const, text: error.message, code: error.code }
    return render(c, again(message), error.status as 400)
  }
}
