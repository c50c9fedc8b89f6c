import { generateKeyPairSync } from 'node:crypto'
import fc from 'fast-check'
import { compactVerify, decodeProtectedHeader, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { signCompact } from '../../src/auth/jws-sign.js'

// Access tokens are serialised by our signCompact (node:crypto signs in the calling thread)
// instead of jose's SignJWT (WebCrypto, on the libuv pool). They must be the same tokens:
// RS256 and EdDSA signatures are deterministic, so the whole token must equal jose's; ES256
// signatures are random, so its signing input must equal jose's and jose must verify it.
const keys = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: generateKeyPairSync('ed25519'),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
} as const

const claims = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__'),
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
  ),
  { maxKeys: 8 },
)

const joseToken = (alg: keyof typeof keys, payload: Record<string, unknown>) =>
  new SignJWT(payload)
    .setProtectedHeader({ alg, kid: 'k1', typ: 'at+jwt' })
    .sign(keys[alg].privateKey)

describe('signCompact', () => {
  for (const alg of ['RS256', 'EdDSA'] as const) {
    it(`makes exactly jose's token for ${alg}`, async () => {
      await fc.assert(
        fc.asyncProperty(claims, async (payload) => {
          const ours = signCompact(alg, keys[alg].privateKey, { kid: 'k1', typ: 'at+jwt' }, payload)
          expect(ours).toBe(await joseToken(alg, payload))
        }),
        { numRuns: 60 },
      )
    })
  }

  it("makes jose's signing input for ES256, with a 64-byte r‖s signature jose verifies", async () => {
    await fc.assert(
      fc.asyncProperty(claims, async (payload) => {
        const ours = signCompact(
          'ES256',
          keys.ES256.privateKey,
          { kid: 'k1', typ: 'at+jwt' },
          payload,
        )
        const theirs = await joseToken('ES256', payload)
        const input = (token: string) => token.split('.').slice(0, 2).join('.')
        expect(input(ours)).toBe(input(theirs))
        expect(Buffer.from(ours.split('.')[2]!, 'base64url')).toHaveLength(64)
        const verified = await compactVerify(ours, keys.ES256.publicKey, { algorithms: ['ES256'] })
        expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(payload)
      }),
      { numRuns: 60 },
    )
  })

  it('puts the alg first and the given header after it', () => {
    const token = signCompact('EdDSA', keys.EdDSA.privateKey, { kid: 'k1', typ: 'at+jwt' }, {})
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
  })

  it('makes a signature that fails for any other key or a changed payload', async () => {
    const token = signCompact(
      'ES256',
      keys.ES256.privateKey,
      { kid: 'k1', typ: 'JWT' },
      { sub: 'a' },
    )
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    await expect(compactVerify(token, other.publicKey)).rejects.toThrow()
    const [h, , s] = token.split('.')
    const changed = `${h}.${Buffer.from('{"sub":"b"}').toString('base64url')}.${s}`
    await expect(compactVerify(changed, keys.ES256.publicKey)).rejects.toThrow()
  })
})
