import type { Context } from 'hono'
import type { Actor } from '../auth/household.js'
import { requestContext, type AppEnv } from './env.js'
import { bearerProof } from './proof.js'

/** The admin behind a bearer request, with the proof of how recently they signed in. */
export const actorOf = (c: Context<AppEnv>, currentPassword?: string): Actor => ({
  id: c.get('user').id,
  user: c.get('user'),
  context: requestContext(c),
  proof: bearerProof(c, currentPassword),
})
