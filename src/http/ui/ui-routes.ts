import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Hono, type MiddlewareHandler } from 'hono'
import { notFound } from '../../errors.js'
import { packageRoot } from '../../package-root.js'
import type { Readiness } from '../../readiness.js'
import type { AppEnv } from '../env.js'
import { requireReady } from '../middleware/require-ready.js'
import { uiAccountRoutes } from './routes-account.js'
import { uiMembersRoutes } from './routes-members.js'
import { uiSignInRoutes } from './routes-sign-in.js'
import { uiCsrf } from './ui-context.js'

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
}

/**
 * A strict Content-Security-Policy: scripts and styles only from this service (no inline
 * code at all), forms post only here (or to an allowed return_to origin, which a redirect
 * after sign-in may reach), never framed.
 */
function contentSecurityPolicy(): MiddlewareHandler<AppEnv> {
  return async function contentSecurityPolicyMiddleware(c, next) {
    const returnTo = c.get('services')?.config.returnToOrigins ?? []
    c.header(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        `form-action 'self'${returnTo.map((o) => ` ${o}`).join('')}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
    )
    c.header('Cache-Control', 'no-store')
    await next()
  }
}

/** The household's web UI under /ui, on the same domain functions as the JSON API. */
export function uiRoutes(readiness: Readiness): Hono<AppEnv> {
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
  routes.use('*', requireReady(readiness), contentSecurityPolicy(), uiCsrf())
  routes.route('/', uiSignInRoutes())
  routes.route('/', uiAccountRoutes())
  routes.route('/', uiMembersRoutes())
  return routes
}
