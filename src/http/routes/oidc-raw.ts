import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'
import { notFound } from '../../errors.js'
import type { AppEnv } from '../env.js'

/**
 * The raw Node request and response of @hono/node-server, which oidc-provider (a Koa app)
 * works on. Without them (app.request() in a test, no socket) the provider cannot answer.
 */
export function rawOf(c: Context<AppEnv>): { req: IncomingMessage; res: ServerResponse } {
  const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined
  if (!env?.incoming || !env.outgoing) throw notFound('The OIDC provider needs a real server.')
  return { req: env.incoming, res: env.outgoing }
}

export const clientAddressOf = (c: Context<AppEnv>) => c.get('client').address?.toString() ?? null
