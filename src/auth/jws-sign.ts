import { sign, type KeyObject } from 'node:crypto'
import type { SigningAlg } from '../config.js'

/**
 * A compact JWS (RFC 7515 §7.1) signed by node:crypto in the calling thread. jose signs
 * through WebCrypto, which hands every signature to the libuv pool, where argon2's hashes
 * already queue: 0.7 ms per sign-in against 0.05 ms here (bench/README.md). Only the
 * serialisation is ours; the signature is OpenSSL's, and every token is verified by jose.
 */
export function signCompact(
  alg: SigningAlg,
  key: KeyObject,
  header: { kid: string; typ: string },
  payload: Record<string, unknown>,
): string {
  // alg first, as jose writes it; the header's type admits no other alg to override it.
  const input = `${part({ alg, kid: header.kid, typ: header.typ })}.${part(payload)}`
  const data = Buffer.from(input)
  const signature =
    alg === 'ES256'
      ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }) // JWS wants r‖s, not DER
      : sign(alg === 'RS256' ? 'sha256' : null, data, key) // EdDSA takes no digest
  return `${input}.${signature.toString('base64url')}`
}

const part = (value: Record<string, unknown>) =>
  Buffer.from(JSON.stringify(value)).toString('base64url')
