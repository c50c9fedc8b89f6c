import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { isoCBOR } from '@simplewebauthn/server/helpers'
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'

const b64url = (bytes: Uint8Array | Buffer | string) => Buffer.from(bytes).toString('base64url')
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest()
const FLAG_UP = 0x01
const FLAG_UV = 0x04
const FLAG_AT = 0x40

interface Credential {
  id: Buffer
  rpID: string
  userHandle: string
  privateKey: KeyObject
  counter: number
}

export interface CeremonyOptions {
  origin?: string
  rpID?: string
  userVerified?: boolean
}

/**
 * A software passkey authenticator for tests: a real P-256 key from node:crypto, `none`
 * attestation, CBOR-encoded authenticator data and real client data, as a browser sends them.
 */
export function createAuthenticator(defaults: { origin: string; rpID: string }) {
  const credentials: Credential[] = []

  function authData(rpID: string, flags: number, counter: number, attested?: Buffer): Buffer {
    const counterBytes = Buffer.alloc(4)
    counterBytes.writeUInt32BE(counter)
    return Buffer.concat([
      sha256(rpID),
      Buffer.from([flags]),
      counterBytes,
      ...(attested ? [attested] : []),
    ])
  }

  return {
    credentials,

    register(
      options: PublicKeyCredentialCreationOptionsJSON,
      ceremony: CeremonyOptions = {},
    ): RegistrationResponseJSON {
      const rpID = ceremony.rpID ?? defaults.rpID
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const jwk = publicKey.export({ format: 'jwk' })
      const cose = new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ])
      const id = randomBytes(16)
      const idLength = Buffer.alloc(2)
      idLength.writeUInt16BE(id.length)
      const attested = Buffer.concat([
        Buffer.alloc(16),
        idLength,
        id,
        Buffer.from(isoCBOR.encode(cose)),
      ])
      const flags = FLAG_UP | FLAG_AT | (ceremony.userVerified === false ? 0 : FLAG_UV)
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData(rpID, flags, 0, attested)],
        ]) as never,
      )
      const clientDataJSON = JSON.stringify({
        type: 'webauthn.create',
        challenge: options.challenge,
        origin: ceremony.origin ?? defaults.origin,
        crossOrigin: false,
      })
      credentials.push({ id, rpID, userHandle: options.user.id, privateKey, counter: 0 })
      return {
        id: b64url(id),
        rawId: b64url(id),
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientDataJSON),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      }
    },

    /** Signs an assertion with the first allowed credential, or any (discoverable). */
    assert(
      options: PublicKeyCredentialRequestOptionsJSON,
      ceremony: CeremonyOptions & { counter?: number; credential?: Credential } = {},
    ): AuthenticationResponseJSON {
      const rpID = ceremony.rpID ?? defaults.rpID
      const allowed = options.allowCredentials ?? []
      const credential =
        ceremony.credential ??
        credentials.find((c) => allowed.length === 0 || allowed.some((a) => a.id === b64url(c.id)))
      if (!credential) throw new Error('no matching credential')
      credential.counter = ceremony.counter ?? credential.counter + 1
      const data = authData(
        rpID,
        FLAG_UP | (ceremony.userVerified === false ? 0 : FLAG_UV),
        credential.counter,
      )
      const clientDataJSON = JSON.stringify({
        type: 'webauthn.get',
        challenge: options.challenge,
        origin: ceremony.origin ?? defaults.origin,
        crossOrigin: false,
      })
      const signature = sign(
        'sha256',
        Buffer.concat([data, sha256(clientDataJSON)]),
        credential.privateKey,
      )
      return {
        id: b64url(credential.id),
        rawId: b64url(credential.id),
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientDataJSON),
          authenticatorData: b64url(data),
          signature: b64url(signature),
          userHandle: credential.userHandle,
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      }
    },
  }
}
