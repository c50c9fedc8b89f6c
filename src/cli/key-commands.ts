import type { Env } from '../config.js'
import { CommandError, withServices } from './context.js'

const iso = (seconds: number | null) =>
  seconds === null ? '-' : new Date(seconds * 1000).toISOString()

/** `keys list|rotate`: the signing keys, as the JWKS route and the signer see them. */
export async function runKeyCommand(args: string[], env: Env): Promise<string> {
  const [sub] = args
  if (sub !== 'list' && sub !== 'rotate')
    throw new CommandError('usage: hail-mary-auth keys list|rotate', 64)
  return withServices(env, async ({ services: { signingKeys } }) => {
    await signingKeys.load()
    await signingKeys.ensureCurrent() // as the server does at start: there is always a signer
    if (sub === 'rotate') {
      const kid = await signingKeys.rotate()
      const key = signingKeys.list().find((k) => k.kid === kid)!
      return `key ${kid} is published now and signs from ${iso(key.activatesAt)}`
    }
    // One JSON object per line (API §8).
    const view = (k: ReturnType<typeof signingKeys.list>[number]) => ({
      kid: k.kid,
      alg: k.alg,
      created_at: iso(k.createdAt),
      activates_at: iso(k.activatesAt),
      retired_at: k.retiredAt === null ? null : iso(k.retiredAt),
    })
    return signingKeys
      .list()
      .map((k) => JSON.stringify(view(k)))
      .join('\n')
  })
}
