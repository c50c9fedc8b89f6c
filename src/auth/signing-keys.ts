import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose'
import { asc } from 'drizzle-orm'
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { unixSeconds, type Clock } from '../clock.js'
import type { SigningAlg } from '../config.js'
import type { DB } from '../db/client.js'
import { signingKeys } from '../db/schema.js'
import type { SecretKeys } from '../secret-keys.js'

/** JWKS responses may be cached this long; a new key is published this long before it signs. */
export const JWKS_MAX_AGE_SECONDS = 300
/** Verifiers' usual clock leeway, added to how long a retired key stays published. */
const VERIFY_LEEWAY_SECONDS = 60
/** How often the in-memory key set re-reads the table (a `keys rotate` from the CLI). */
const RELOAD_SECONDS = 30

export interface LoadedKey {
  kid: string
  alg: SigningAlg
  publicJWK: JWK
  createdAt: number
  activatesAt: number
  /** Since when this process has published it (the creation time for keys found at start). */
  publishedSince: number
  /** When the next key took over signing; null for the newest active key or a pending one. */
  retiredAt: number | null
  /** The private key as node:crypto signs with it (jws-sign.ts), unsealed on first use. */
  privateKey: () => KeyObject
  /** The private JWK, unsealed on demand (oidc-provider takes its keys as JWKs). */
  privateJWK: () => JWK
  publicKey: CryptoKey
}

export interface SigningKeysDeps {
  db: DB
  clock: Clock
  secretKeys: SecretKeys
  alg: SigningAlg
  rotationSeconds: number
  accessTokenTTLSeconds: number
}

export type SigningKeys = ReturnType<typeof createSigningKeys>

/**
 * The asymmetric keys that sign access tokens (API §5) and, per algorithm, the OIDC
 * provider's ID tokens (§12: RS256, ES256). Each algorithm rotates on its own schedule; all
 * are published in one JWKS. Private parts are stored sealed with AES-256-GCM under a key
 * derived from the master secret, bound to their kid.
 */
export function createSigningKeys(deps: SigningKeysDeps) {
  const { db, clock, secretKeys, alg } = deps
  let keys: LoadedKey[] = []
  /** The clock's reading (not the schedule's time below) at the last load. */
  let loadedAt = -Infinity
  /**
   * The key schedule's time: the clock, but never earlier than a time it has seen (nor than a
   * key's creation). A clock stepped back must neither sign with a key verifiers have dropped
   * (the one before, unpublished meanwhile) nor make a new key that signs at once.
   */
  let highWater = -Infinity
  let jwksText: string | null = null
  let jwksAt = 0
  let jwksKeys: LoadedKey[] = []
  let checkedAt = -1

  async function load(): Promise<void> {
    const rows = db.select().from(signingKeys).orderBy(asc(signingKeys.activatesAt)).all()
    for (const row of rows) highWater = Math.max(highWater, row.createdAt)
    const firstLoad = loadedAt === -Infinity
    const at = now()
    // A key another process added (`keys rotate`) is published from the load that finds it,
    // up to RELOAD_SECONDS after it was made: it signs only a JWKS lifetime after that.
    const since = rows.map(
      (row) =>
        keys.find((k) => k.kid === row.kid)?.publishedSince ??
        (firstLoad ? row.createdAt : Math.max(row.createdAt, at)),
    )
    const loaded: LoadedKey[] = []
    for (const [index, row] of rows.entries()) {
      const previous = keys.find((k) => k.kid === row.kid)
      const publicJWK = JSON.parse(row.publicJWK) as JWK
      let privateKey: KeyObject | null = null
      const privateJWK = () =>
        JSON.parse(secretKeys.decrypt('signing-key', row.privateSealed, row.kid)) as JWK
      // A key is retired by the next key of its own algorithm, not by another algorithm's.
      const next = rows.findIndex((other, i) => i > index && other.alg === row.alg)
      const successor = next < 0 ? undefined : rows[next]
      loaded.push({
        kid: row.kid,
        alg: row.alg as SigningAlg,
        publicJWK,
        createdAt: row.createdAt,
        activatesAt: row.activatesAt,
        publishedSince: since[index]!,
        retiredAt: successor
          ? Math.max(successor.activatesAt, since[next]! + JWKS_MAX_AGE_SECONDS)
          : null,
        privateJWK,
        publicKey: previous?.publicKey ?? ((await importJWK(publicJWK, row.alg)) as CryptoKey),
        privateKey:
          previous?.privateKey ??
          (() => (privateKey ??= createPrivateKey({ key: privateJWK(), format: 'jwk' }))),
      })
    }
    keys = loaded
    loadedAt = unixSeconds(clock)
  }

  async function addKey(activatesAt: number, keyAlg: SigningAlg = alg): Promise<string> {
    const pair = await generateKeyPair(keyAlg, { extractable: true })
    const publicJWK = await exportJWK(pair.publicKey)
    const kid = await calculateJwkThumbprint(publicJWK)
    const privateJWK = await exportJWK(pair.privateKey)
    db.insert(signingKeys)
      .values({
        kid,
        alg: keyAlg,
        publicJWK: JSON.stringify({ ...publicJWK, kid, alg: keyAlg, use: 'sig' }),
        privateSealed: secretKeys.encrypt('signing-key', JSON.stringify(privateJWK), kid),
        createdAt: unixSeconds(clock),
        activatesAt,
      })
      .run()
    await load()
    return kid
  }

  function now(): number {
    highWater = Math.max(highWater, unixSeconds(clock))
    return highWater
  }
  /**
   * The newest started key this service has published for a JWKS cache lifetime; the first
   * key of an algorithm signs at once (no verifier has cached anything yet).
   */
  function signerAt(at: number, keyAlg: SigningAlg = alg): LoadedKey | null {
    const started = keys.filter((k) => k.activatesAt <= at && k.alg === keyAlg)
    const published = started.filter((k) => k.publishedSince + JWKS_MAX_AGE_SECONDS <= at)
    return published.at(-1) ?? started.at(-1) ?? null
  }
  const hasNewer = (signer: LoadedKey) =>
    keys.some((k) => k.activatesAt > signer.activatesAt && k.alg === signer.alg)
  /** Published until every token it signed has expired. */
  const isPublished = (key: LoadedKey, at: number) =>
    key.retiredAt === null ||
    key.retiredAt + deps.accessTokenTTLSeconds + VERIFY_LEEWAY_SECONDS > at

  /**
   * Makes sure a key can sign now and that rotation is under way when due. The very first key
   * signs at once (no verifier has cached anything yet); later ones are published first.
   */
  const checking = new Map<SigningAlg, Promise<void>>()
  function ensureCurrent(keyAlg: SigningAlg = alg): Promise<void> {
    // One check per algorithm at a time, shared by whoever asks meanwhile: two at once would
    // each see the rotation due and each add a key (20 requests at once made 20 keys).
    let running = checking.get(keyAlg)
    if (!running) {
      running = checkCurrent(keyAlg).finally(() => checking.delete(keyAlg))
      checking.set(keyAlg, running)
    }
    return running
  }

  async function checkCurrent(keyAlg: SigningAlg): Promise<void> {
    const read = unixSeconds(clock)
    // By the clock itself: a clock stepped back still reloads (and from then on every 30 s).
    if (read - loadedAt >= RELOAD_SECONDS || read < loadedAt) await load()
    if (!needsKey(keyAlg)) return
    // About to add a key: first look again, for one another process (`keys rotate`) added
    // since the last load (up to 30 s ago); else both add one.
    if (loadedAt !== read) await load()
    const at = now()
    const signer = signerAt(at, keyAlg)
    if (!signer) await addKey(at, keyAlg)
    else if (needsKey(keyAlg)) await addKey(at + JWKS_MAX_AGE_SECONDS, keyAlg)
  }

  /** No key signs yet, or the signer's rotation is due and no newer key is under way. */
  function needsKey(keyAlg: SigningAlg): boolean {
    const at = now()
    const signer = signerAt(at, keyAlg)
    return !signer || (at - signer.activatesAt >= deps.rotationSeconds && !hasNewer(signer))
  }

  /** The JWKS document as JSON text, rebuilt at most once a second or after a reload. */
  function publishedJWKS(at = now()): string {
    if (jwksText === null || jwksAt !== at || jwksKeys !== keys) {
      jwksText = JSON.stringify({
        keys: keys.filter((k) => isPublished(k, at)).map((k) => k.publicJWK),
      })
      jwksAt = at
      jwksKeys = keys
    }
    return jwksText
  }

  return {
    load,
    ensureCurrent,
    /**
     * Starts a rotation now: the new key is published at once and signs 300 s later. A key
     * already published and waiting to sign (the schedule's, or an earlier `keys rotate`) is
     * that rotation: a second key beside it would start in the same second, and which of the
     * two signed would depend on row order.
     */
    async rotate(): Promise<string> {
      const at = now()
      const waiting = keys.find((k) => k.alg === alg && k.activatesAt > at)
      return waiting ? waiting.kid : addKey(at + JWKS_MAX_AGE_SECONDS)
    },
    async signer(): Promise<{ kid: string; alg: SigningAlg; key: KeyObject }> {
      await ensureCurrent()
      const signer = signerAt(now())
      if (!signer) throw new Error('no signing key')
      return { kid: signer.kid, alg: signer.alg, key: signer.privateKey() }
    },
    /** The public key for a kid, only while it is published and of the configured alg. */
    verificationKey(kid: string): CryptoKey | null {
      const key = keys.find((k) => k.kid === kid)
      return key && key.alg === alg && isPublished(key, now()) ? key.publicKey : null
    },
    publishedJWKS,
    /**
     * The JWKS document for the well-known route, once `ensureCurrent` has run in this second
     * of the clock: a rotation that falls due shows from the next second on, and requests in
     * between take the text as it is (synchronously: no promise per request).
     */
    currentJWKS(): string | Promise<string> {
      const at = unixSeconds(clock)
      if (at === checkedAt) return publishedJWKS()
      return ensureCurrent().then(() => {
        checkedAt = at
        return publishedJWKS()
      })
    },
    /** `currentJWKS` when it needs no check (null otherwise): it starts nothing. */
    checkedJWKS(): string | null {
      return unixSeconds(clock) === checkedAt ? publishedJWKS() : null
    },
    /**
     * The published keys of one algorithm as private JWKs, for the OIDC provider, the current
     * signer first: oidc-provider signs with the first key that fits (its selection is a
     * stable sort) and verifies with any, e.g. an `id_token_hint` signed before a rotation.
     */
    async providerKeys(keyAlg: SigningAlg): Promise<JWK[]> {
      await ensureCurrent(keyAlg)
      const at = now()
      const signer = signerAt(at, keyAlg)
      const published = keys.filter((k) => k.alg === keyAlg && isPublished(k, at))
      return [signer, ...published.filter((k) => k !== signer)]
        .filter((k): k is LoadedKey => k !== null)
        .map((k) => {
          // WebCrypto's export marks the private key sign-only; the provider verifies with
          // the same entry, so those markings go.
          const jwk: JWK = { ...k.privateJWK(), kid: k.kid, alg: keyAlg, use: 'sig' }
          delete jwk.key_ops
          delete jwk.ext
          return jwk
        })
    },
    list: () =>
      keys.map(({ kid, alg, createdAt, activatesAt, retiredAt }) => ({
        kid,
        alg,
        createdAt,
        activatesAt,
        retiredAt,
      })),
  }
}
