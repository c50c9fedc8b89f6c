import { randomUUID } from 'node:crypto'
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose'
import { unixSeconds, type Clock } from '../clock.js'
import type { Config } from '../config.js'
import { signCompact } from './jws-sign.js'
import type { SigningKeys } from './signing-keys.js'

export type AMR = 'pwd' | 'pin' | 'otp' | 'hwk' | 'mfa'

export interface AccessClaims {
  sub: string
  sid: string
  role: 'admin' | 'member'
  amr: AMR[]
  auth_time: number
  preferred_username: string
  name: string
  /** The person's group names, sorted (API §11). */
  groups: string[]
}

export interface VerifiedAccess extends AccessClaims {
  jti: string
  exp: number
}

/** Small leeway for clocks of the same box; tokens are short anyway. */
const CLOCK_TOLERANCE_SECONDS = 30
/** Verified tokens remembered, keyed by the exact token string, oldest dropped first. */
const CACHE_ENTRIES = 1024

export type AccessTokens = ReturnType<typeof createAccessTokens>

/** Access tokens per RFC 9068 (`typ: at+jwt`), signed with the current key (API §5). */
export function createAccessTokens(deps: {
  clock: Clock
  config: Pick<Config, 'issuer' | 'audience' | 'accessTokenTTLSeconds' | 'signingAlg'>
  signingKeys: SigningKeys
}) {
  const { clock, config, signingKeys } = deps
  const audience = config.audience.length === 1 ? config.audience[0]! : config.audience
  const verified = new Map<string, VerifiedAccess>()

  async function verify(token: string): Promise<VerifiedAccess | null> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          if (header.jwk || header.jku || header.x5u || header.x5c || !header.kid) {
            throw new joseErrors.JWSInvalid('unexpected key material in header')
          }
          const key = signingKeys.verificationKey(header.kid)
          if (!key) throw new joseErrors.JWKSNoMatchingKey()
          return key
        },
        {
          algorithms: [config.signingAlg],
          issuer: config.issuer,
          audience: config.audience,
          typ: 'at+jwt',
          currentDate: clock.now(),
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'sid', 'exp', 'iat', 'jti'],
        },
      )
      return isAccessPayload(payload) ? payload : null
    } catch {
      return null
    }
  }

  return {
    async issue(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
      const { kid, alg, key } = await signingKeys.signer()
      const iat = unixSeconds(clock)
      const token = signCompact(
        alg,
        key,
        { kid, typ: 'at+jwt' },
        {
          ...claims,
          iss: config.issuer,
          aud: audience,
          iat,
          exp: iat + config.accessTokenTTLSeconds,
          jti: randomUUID(),
        },
      )
      return { token, expiresIn: config.accessTokenTTLSeconds }
    },

    /**
     * Checks signature, the one configured alg (so `none` and HMAC-with-the-public-key are
     * refused), iss, aud, exp, typ. Keys come only from our own table by kid: a `jwk` or `jku`
     * in the header is never used or fetched. Returns null for every kind of bad token.
     */
    verify,

    /**
     * `verify` with a small cache of tokens already verified: the exact same string carries
     * the same signature, so only its expiry needs checking again. Bounded, so a flood of
     * distinct tokens costs memory no more than 1024 entries.
     */
    async verifyCached(token: string): Promise<VerifiedAccess | null> {
      const hit = verified.get(token)
      if (hit) {
        if (hit.exp + CLOCK_TOLERANCE_SECONDS > unixSeconds(clock)) return hit
        verified.delete(token)
        return null
      }
      const result = await verify(token)
      if (result) {
        if (verified.size >= CACHE_ENTRIES) verified.delete(verified.keys().next().value!)
        verified.set(token, result)
      }
      return result
    },
  }
}

function isAccessPayload(payload: JWTPayload): payload is JWTPayload & VerifiedAccess {
  return (
    typeof payload.sub === 'string' &&
    typeof payload.sid === 'string' &&
    typeof payload.jti === 'string' &&
    typeof payload.exp === 'number' &&
    Array.isArray(payload.amr) &&
    (payload.role === 'admin' || payload.role === 'member')
  )
}
