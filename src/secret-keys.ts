import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

/** Purpose-specific keys derived from the master secret with HKDF-SHA256 (RFC 5869). */
export interface SecretKeys {
  /** HMAC of a fixed label: lets the database recognise its secret without storing it. */
  readonly fingerprint: string
  /** HMAC-SHA256 of a random token, the only form in which such tokens are stored. */
  hashToken(token: string): string
  /** AES-256-GCM; `context` is bound as associated data so a ciphertext cannot be moved. */
  encrypt(purpose: EncryptionPurpose, plaintext: string, context: string): string
  decrypt(purpose: EncryptionPurpose, sealed: string, context: string): string
  /** The web UI's CSRF token for a binding (a session id, or a signed-out browser's nonce). */
  csrfToken(binding: string): string
}

export type EncryptionPurpose = 'signing-key' | 'totp-secret'

const SALT = 'hail-mary-auth/v1'

function derive(secret: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, SALT, info, 32))
}

export function deriveSecretKeys(secret: string): SecretKeys {
  const fingerprint = createHmac('sha256', derive(secret, 'fingerprint'))
    .update('hail-mary-auth database fingerprint')
    .digest('hex')
  const tokenKey = derive(secret, 'token-hash')
  const csrfKey = derive(secret, 'ui-csrf')
  const encryptionKeys: Record<EncryptionPurpose, Buffer> = {
    'signing-key': derive(secret, 'encrypt:signing-key'),
    'totp-secret': derive(secret, 'encrypt:totp-secret'),
  }
  return {
    fingerprint,
    hashToken: (token) => createHmac('sha256', tokenKey).update(token).digest('base64url'),
    csrfToken: (binding) => createHmac('sha256', csrfKey).update(binding).digest('base64url'),
    encrypt(purpose, plaintext, context) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', encryptionKeys[purpose], iv)
      cipher.setAAD(Buffer.from(context))
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return ['v1', iv, body, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.')
    },
    decrypt(purpose, sealed, context) {
      const [version, iv, body, tag] = sealed.split('.')
      if (version !== 'v1' || !iv || body === undefined || !tag) {
        throw new Error('unknown ciphertext format')
      }
      const decipher = createDecipheriv(
        'aes-256-gcm',
        encryptionKeys[purpose],
        Buffer.from(iv, 'base64url'),
      )
      decipher.setAAD(Buffer.from(context))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8')
    },
  }
}

/** A fresh random token of `bytes` bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/** The output of `gen-secret`: 48 random bytes. */
export function generateSecret(): string {
  return randomBytes(48).toString('base64url')
}
