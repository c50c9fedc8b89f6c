import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Hono, type MiddlewareHandler } from 'hono'
import { notFound } from '../../errors.js'
import { packageRoot } from '../../package-root.js'
import type { AppEnv } from '../env.js'
import { createUICookies } from './cookies.js'
import { uiAccountRoutes, type UIAccountDeps } from './routes-account.js'
import { uiMembersRoutes, type UIMembersDeps } from './routes-members.js'
import { uiSignInRoutes, type UISignInDeps } from './routes-sign-in.js'
import { uiCsrf, uiSession, type UIShell } from './ui-context.js'

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
}

export type UIDeps = Omit<UIShell, 'cookies'> &
  UISignInDeps &
  UIAccountDeps &
  UIMembersDeps & {
    /** Origins a sign-in may end up at through redirects: the OIDC apps' redirect URIs. */
    formActionOrigins?: () => readonly string[]
  }

/**
 * A strict Content-Security-Policy: scripts and styles only from this service (no inline
 * code at all), forms post only here (or to an allowed return_to origin, or an OIDC app's
 * redirect URI origin, which the redirects after a sign-in may reach: browsers hold those
 * redirects to form-action too), never framed. `Referrer-Policy: same-origin` so the browser
 * sends a real `Origin` with our own form posts (no-referrer would make it `null`).
 */
function pageHeaders(
  returnToOrigins: string[],
  formActionOrigins: () => readonly string[] = () => [],
): MiddlewareHandler<AppEnv> {
  const policyFor = (extra: readonly string[]) =>
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      `form-action 'self'${[...new Set([...returnToOrigins, ...extra])].map((o) => ` ${o}`).join('')}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; ')
  return async function pageHeadersMiddleware(c, next) {
    c.header('Content-Security-Policy', policyFor(formActionOrigins()))
    c.header('Referrer-Policy', 'same-origin')
    c.header('Cache-Control', 'no-store')
    await next()
  }
}

/** The household's web UI under /ui, on the same use cases as the JSON API. */
export function uiRoutes(deps: UIDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  const files = new Map<string, string>()
  routes.get('/assets/:file', (c) => {
    const name = c.req.param('file')
    const type = ASSETS[name]
    const path = join(packageRoot(), 'dist', 'ui', name)
    if (!type || !existsSync(path)) throw notFound()
    if (!files.has(name)) files.set(name, readFileSync(path, 'utf8'))
    c.header('Content-Type', type)
    c.header('Cache-Control', 'public, max-age=3600')
    return c.body(files.get(name)!)
  })
  const cookies = createUICookies({ secure: deps.config.issuer.startsWith('https:') })
  const shell = { ...deps, cookies }
  routes.use(
    '*',
    pageHeaders(deps.config.returnToOrigins, deps.formActionOrigins),
    uiSession(shell),
    uiCsrf(shell),
  )
  routes.route('/', uiSignInRoutes(shell))
  routes.route('/', uiAccountRoutes(shell))
  routes.route('/', uiMembersRoutes(shell))
  return routes
}
