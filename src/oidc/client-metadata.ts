import { randomBytes } from 'node:crypto'

/** The fields of an app (src/auth/apps.ts AppRow) that make it an OIDC client. */
export interface ClientApp {
  name: string
  clientId: string | null
  public: boolean
  pkce: boolean
  idTokenAlg: 'RS256' | 'ES256'
  redirectUris: string[]
  postLogoutRedirectUris: string[]
}

/**
 * oidc-provider insists on a `client_secret` for a confidential client and compares it itself.
 * Secrets are stored here only as HMACs, so the provider gets this random value, known to no
 * one and new at every start, and its comparison is replaced by apps.verifySecret (see
 * provider.ts). Should that replacement ever be lost, no presented secret would match.
 */
const UNUSABLE_SECRET = randomBytes(32).toString('base64url')

/**
 * An app as oidc-provider client metadata: the code flow only, exact redirect URIs, the
 * app's ID token algorithm; `client_secret_basic` registered for a confidential client
 * (oidc-provider then accepts `client_secret_post` too), `none` for a public one.
 */
export function clientMetadata(app: ClientApp): Record<string, unknown> | undefined {
  if (!app.clientId || app.redirectUris.length === 0) return undefined
  return {
    client_id: app.clientId,
    client_name: app.name,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: app.public ? 'none' : 'client_secret_basic',
    ...(app.public ? {} : { client_secret: UNUSABLE_SECRET }),
    id_token_signed_response_alg: app.idTokenAlg,
  }
}
