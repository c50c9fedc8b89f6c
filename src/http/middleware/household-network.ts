import type { MiddlewareHandler } from 'hono'
import { networkNotAllowed } from '../../errors.js'
import type { CIDR } from '../../limits/cidr.js'
import { isInsideNetworks } from '../../limits/client-address.js'
import type { AppEnv } from '../env.js'

/**
 * Quick login only from AUTH_QUICK_LOGIN_NETWORKS (off when empty); elsewhere one 403 that
 * tells nothing about the household. Checked before any body is read, by the API and the
 * web UI alike.
 */
export function householdNetworkOnly(networks: CIDR[]): MiddlewareHandler<AppEnv> {
  return async function householdNetworkOnlyMiddleware(c, next) {
    if (!isInsideNetworks(c.get('client'), networks)) throw networkNotAllowed()
    await next()
  }
}
