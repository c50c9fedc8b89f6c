import argon2 from 'argon2'
import { loadBcrypt } from '../lazy.js'
import { randomBytes } from 'node:crypto'
import type { Config } from '../config.js'
import type { HashQueue } from './hash-queue.js'

export type PasswordHasher = ReturnType<typeof createPasswordHasher>

/** argon2id hashing and verification (API §10), always through the bounded queue. */
export function createPasswordHasher(deps: { argon2: Config['argon2']; queue: HashQueue }) {
  const options = {
    type: argon2.argon2id as 2,
    memoryCost: deps.argon2.memoryKiB,
    timeCost: deps.argon2.timeCost,
    parallelism: deps.argon2.parallelism,
  }
  // Made once, now, outside the queue: made lazily through the queue, a first unknown username
  // that met a full queue would leave a rejected promise here, and every later one a 503.
  const dummyHash = argon2.hash(randomBytes(16).toString('base64'), options)
  // Nobody may await it before the first unknown username; a failure shows up there.
  dummyHash.catch(() => undefined)

  const hash = (secret: string) => deps.queue.run(() => argon2.hash(secret, options))

  /** Verifies a PHC argon2 string, or a bcrypt hash imported from the old Hail Mary. */
  async function verify(
    stored: string,
    secret: string,
  ): Promise<{ ok: boolean; needsRehash: boolean }> {
    if (/^\$2[aby]\$/.test(stored)) {
      const bcrypt = (await loadBcrypt()).default
      const ok = await deps.queue.run(() => bcrypt.compare(secret, stored))
      return { ok, needsRehash: true }
    }
    const ok = await deps.queue.run(() => argon2.verify(stored, secret))
    return { ok, needsRehash: ok && argon2.needsRehash(stored, options) }
  }

  return {
    hash,
    verify,
    /**
     * Spends the same argon2 work as a real verification, for an unknown or disabled user, so
     * the answer's timing does not tell which accounts exist.
     */
    async dummyVerify(secret: string): Promise<void> {
      await verify(await dummyHash, secret)
    },
  }
}
