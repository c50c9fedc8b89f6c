import type { Context } from 'hono'
import type { Proof } from '../auth/recent-sign-in.js'
import type { AppEnv } from './env.js'

/** How recently the bearer of this request signed in, and the password it sent, if any. */
export const bearerProof = (c: Context<AppEnv>, currentPassword?: string): Proof => ({
  authTime: c.get('access').auth_time,
  currentPassword,
})
