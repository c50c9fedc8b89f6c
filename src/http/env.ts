import type { IncomingMessage, ServerResponse } from 'node:http'
import type { VerifiedAccess } from '../auth/access-tokens.js'
import type { RequestContext } from '../auth/audit.js'
import type { SessionRow } from '../auth/sessions.js'
import type { UserRow } from '../auth/users.js'
import { addressLimitKey, type ClientAddress } from '../limits/client-address.js'

/** The signed-in person of a web UI request, resolved once by the UI's session middleware. */
export interface SignedIn {
  user: UserRow
  session: SessionRow
}

/** Hono's typed context for this app. */
export interface AppEnv {
  /** @hono/node-server's raw request and response; absent under `app.request()` in tests. */
  Bindings: { incoming?: IncomingMessage; outgoing?: ServerResponse }
  Variables: {
    requestId: string
    client: ClientAddress
    /** Set by the bearer guard: the verified token and its enabled user. */
    access: VerifiedAccess
    user: UserRow
    /** Set by the web UI's session middleware on every /ui request (null: signed out). */
    signedIn: SignedIn | null
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
