import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import type { JWK, KoaContextWithOIDC } from 'oidc-provider'
import type { Apps } from '../auth/apps.js'
import type { SigningKeys } from '../auth/signing-keys.js'
import type { Logger } from '../logger.js'
import { createAdapterClass } from './adapter.js'
import type { OIDCPayloads } from './payload-store.js'
import { providerConfiguration, type ProviderConfigDeps } from './provider-config.js'

export interface OIDCProviderDeps extends Omit<ProviderConfigDeps, 'appOf'> {
  issuer: string
  apps: Pick<Apps, 'findByClientId' | 'verifySecret'>
  signingKeys: Pick<SigningKeys, 'providerKeys'>
  payloads: OIDCPayloads
  logger: Logger
  /** RP-initiated logout confirmed: the person's web UI session ends too (API §12). */
  onLogout: (ctx: KoaContextWithOIDC) => void
}

export type OIDCProvider = ReturnType<typeof createOIDCProvider>

/**
 * oidc-provider, loaded on the first OIDC request (a dynamic import: start-up and idle
 * memory do not pay for it) and built again whenever the published ID token keys change
 * (a rotation): it takes its keys when it is built. Everything it stores is in SQLite, so a
 * new instance carries on where the old one stopped.
 */
export function createOIDCProvider(deps: OIDCProviderDeps) {
  let current: {
    provider: Provider
    keysId: string
    handle: ReturnType<Provider['callback']>
  } | null = null
  const issuerURL = new URL(deps.issuer)
  const appOf = (clientId: string) => {
    const app = deps.apps.findByClientId(clientId)
    return app?.clientId ? app : null
  }

  const adapter = createAdapterClass({ payloads: deps.payloads, apps: { findByClientId: appOf } })

  async function build(keys: JWK[], keysId: string) {
    const { default: ProviderClass, interactionPolicy } = await import('oidc-provider')
    const provider = new ProviderClass(deps.issuer, {
      ...providerConfiguration({ ...deps, appOf }, keys, interactionPolicy),
      adapter,
    })
    // Trusts X-Forwarded-*: asIssuer() below sets them on every request it is handed.
    provider.proxy = true
    // Client secrets are stored as HMACs only (API §11), so the provider cannot compare them
    // itself: its comparison asks the apps module, in constant time there.
    provider.Client.prototype.compareClientSecret = async function compareSecret(
      this: { clientId: string },
      presented: string,
    ) {
      const app = appOf(this.clientId)
      return !!app && !app.public && deps.apps.verifySecret(app, presented)
    }
    provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
      if (ctx.oidc.params?.logout) deps.onLogout(ctx)
    })
    provider.on('server_error', (_ctx: unknown, error: Error) => {
      deps.logger.error({ err: error }, 'oidc provider error')
    })
    current = { provider, keysId, handle: provider.callback() }
    return current
  }

  async function instance() {
    const keys = [
      ...(await deps.signingKeys.providerKeys('RS256')),
      ...(await deps.signingKeys.providerKeys('ES256')),
    ]
    const keysId = keys.map((k) => k.kid).join(',')
    return current?.keysId === keysId ? current : build(keys, keysId)
  }

  /**
   * The provider sees every request as made to the issuer (scheme, host: it builds its URLs
   * and cookie flags from them) by the client address the HTTP layer resolved, never from
   * forwarding headers the client sent.
   */
  function asIssuer(req: IncomingMessage, clientAddress: string | null) {
    req.headers['x-forwarded-proto'] = issuerURL.protocol.slice(0, -1)
    req.headers['x-forwarded-host'] = issuerURL.host
    req.headers['x-forwarded-for'] = clientAddress ?? ''
    delete req.headers.forwarded
    return req
  }

  return {
    asIssuer,
    provider: async () => (await instance()).provider,
    /** Hands a raw Node request to the provider, which writes the response itself. */
    async handle(req: IncomingMessage, res: ServerResponse, clientAddress: string | null) {
      const { handle } = await instance()
      await handle(asIssuer(req, clientAddress), res)
    },
  }
}
