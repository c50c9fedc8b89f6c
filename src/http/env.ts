import type { IncomingMessage } from 'node:http'
import type { VerifiedAccess } from '../auth/access-tokens.js'
import type { RequestContext } from '../auth/audit.js'
import { addressLimitKey, type ClientAddress } from '../limits/client-address.js'
import type { Services } from '../services.js'

/** Hono's typed context for this app. */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage }
  Variables: {
    requestId: string
    client: ClientAddress
    services: Services
    access: VerifiedAccess
    /** A web UI form, read once by the CSRF check. */
    form: URLSearchParams
  }
}

/** Address and user agent of a request, as the audit log and sessions record them. */
export function requestContext(c: {
  get(key: 'client'): ClientAddress
  req: { header(name: string): string | undefined }
}): RequestContext {
  return {
    address: c.get('client').address?.toString() ?? null,
    addressKey: addressLimitKey(c.get('client')),
    userAgent: c.req.header('user-agent')?.slice(0, 256) ?? null,
  }
}
