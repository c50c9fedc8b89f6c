import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import type { MiddlewareHandler } from 'hono'

/**
 * Offline verification of hail-mary-auth access tokens for the Hail Mary API (and any other
 * service): keys come from the JWKS URL, cached and refetched by jose on an unknown kid.
 */
export interface VerifierOptions {
  jwksUrl: string | URL
  issuer: string
  audience: string | string[]
  /** Must match AUTH_SIGNING_ALG; ES256 unless the service was configured otherwise. */
  algorithms?: ('ES256' | 'EdDSA' | 'RS256')[]
  /** Leeway for clock skew between the boxes, in seconds. */
  clockToleranceSeconds?: number
}

export interface AccessTokenClaims extends JWTPayload {
  sub: string
  sid: string
  role: 'admin' | 'member'
  amr: string[]
  preferred_username: string
  name: string
  auth_time: number
}

export function createVerifier(options: VerifierOptions) {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge: 300_000,
    cooldownDuration: 30_000,
  })
  return {
    /** Resolves with the claims, or rejects (jose's errors carry a `code`). */
    async verify(token: string): Promise<AccessTokenClaims> {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: options.algorithms ?? ['ES256'],
        typ: 'at+jwt',
        clockTolerance: options.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'sid', 'exp', 'iat'],
      })
      return payload as AccessTokenClaims
    },
  }
}

export type Verifier = ReturnType<typeof createVerifier>

/**
 * A Hono middleware: 401 `{"error":"unauthorized"}` unless the request carries a valid
 * bearer token; the claims are then in `c.get('auth')`.
 */
export function requireAccessToken(
  verifier: Verifier,
): MiddlewareHandler<{ Variables: { auth: AccessTokenClaims } }> {
  return async function requireAccessTokenMiddleware(c, next) {
    const match = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')
    try {
      if (!match) throw new Error('no bearer token')
      c.set('auth', await verifier.verify(match[1]!))
    } catch {
      c.header('WWW-Authenticate', 'Bearer')
      return c.json({ error: 'unauthorized', message: 'A valid bearer token is required.' }, 401)
    }
    await next()
  }
}
