import type {
  Account,
  Configuration,
  KoaContextWithOIDC,
  interactionPolicy as Policy,
  JWK,
} from 'oidc-provider'
import type { AppRow } from '../auth/apps.js'
import type { Groups } from '../auth/groups.js'
import type { Users } from '../auth/users.js'
import { interactionPolicy, type PolicyDeps } from './provider-policy.js'
import { grantRequested } from './grants.js'

/** The HTML pages the provider shows itself (made by the web UI layer, handed in). */
export interface ProviderPages {
  error(out: { error: string; error_description?: string | undefined }): string
  logout(form: string, clientName: string | null): string
  loggedOut(clientName: string | null): string
}

export interface ProviderConfigDeps extends Omit<PolicyDeps, 'findAccount'> {
  users: Pick<Users, 'findById'>
  groups: Pick<Groups, 'namesOf'>
  pages: ProviderPages
  cookieKeys: string[]
  ttl: { accessTokenSeconds: number; refreshTokenSeconds: number }
}

/**
 * The pages' CSP: this service's stylesheet, nothing else; never framed. No form-action: the
 * one form (the sign-out question) posts here and is redirected to the app's registered
 * post-logout address, which browsers would hold to form-action too.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'"

/** What an authorization may ask for (API §12), and the claims each scope gives. */
const CLAIMS = {
  openid: ['sub', 'azp', 'auth_time', 'amr'],
  profile: ['name', 'preferred_username'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
}

/** A person as the provider sees them: `sub` is the user id; disabled people do not exist. */
function findAccount(deps: ProviderConfigDeps) {
  return async (ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const user = deps.users.findById(sub)
    if (!user || user.disabled) return undefined
    return {
      accountId: user.id,
      async claims(use) {
        return {
          sub: user.id,
          // `azp` (OIDC Core §2) names the client the ID token was issued to; ID tokens only.
          ...(use === 'id_token' && ctx.oidc.client ? { azp: ctx.oidc.client.clientId } : {}),
          name: user.displayName,
          preferred_username: user.username,
          email: user.email ?? undefined,
          email_verified: user.email ? user.emailVerified : undefined,
          groups: deps.groups.namesOf(user.id),
        }
      },
    }
  }
}

const originOf = (uri: string) => {
  try {
    return new URL(uri).origin
  } catch {
    return null
  }
}

/** oidc-provider's configuration for this service (API §12): the code flow and nothing else. */
export function providerConfiguration(
  deps: ProviderConfigDeps,
  keys: JWK[],
  policy: typeof Policy,
): Configuration {
  const appOfClient = (ctx: KoaContextWithOIDC): AppRow | null =>
    ctx.oidc.client ? deps.appOf(ctx.oidc.client.clientId) : null
  const accountOf = findAccount(deps)
  return {
    jwks: { keys },
    findAccount: accountOf,
    claims: CLAIMS,
    scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
    // Claims by scope in the ID token too, not only from userinfo: many apps read only it.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    allowOmittingSingleRegisteredRedirectUri: false,
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    // S256 only (oidc-provider supports no other); required for public clients, and for
    // confidential ones unless the app was registered with --no-pkce (legacy apps).
    pkce: {
      required: (ctx, client) =>
        client.clientAuthMethod === 'none' || appOfClient(ctx)?.pkce !== false,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      introspection: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      dPoP: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.set('Content-Security-Policy', PAGE_CSP)
          ctx.body = deps.pages.logout(form, ctx.oidc.client?.clientName ?? null)
        },
        async postLogoutSuccessSource(ctx) {
          ctx.set('Content-Security-Policy', PAGE_CSP)
          ctx.body = deps.pages.loggedOut(ctx.oidc.client?.clientName ?? null)
        },
      },
    },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: deps.ttl.accessTokenSeconds,
      IdToken: deps.ttl.accessTokenSeconds,
      RefreshToken: deps.ttl.refreshTokenSeconds,
      Interaction: 900,
      Session: deps.ttl.refreshTokenSeconds,
      Grant: deps.ttl.refreshTokenSeconds,
    },
    rotateRefreshToken: true,
    cookies: { keys: deps.cookieKeys },
    routes: {
      authorization: '/oidc/auth',
      token: '/oidc/token',
      userinfo: '/oidc/me',
      revocation: '/oidc/token/revocation',
      end_session: '/oidc/session/end',
      jwks: '/oidc/jwks',
    },
    interactions: {
      url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}`,
      policy: interactionPolicy(policy, { ...deps, findAccount: accountOf }),
    },
    // Admin-registered apps need no consent screen (API §12): what they ask for is granted.
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session?.accountId
      if (!accountId || !ctx.oidc.client) return undefined
      const grantId =
        ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client.clientId)
      return grantRequested(ctx.oidc.provider, {
        accountId,
        clientId: ctx.oidc.client.clientId,
        scope: String(ctx.oidc.params?.scope ?? 'openid'),
        grantId,
      })
    },
    // Browser apps may call the token, userinfo and revocation endpoints from the origins of
    // their own redirect URIs, and from nowhere else.
    clientBasedCORS: (_ctx, origin, client) =>
      (client.redirectUris ?? []).some((uri) => originOf(uri) === origin),
    async renderError(ctx, out) {
      ctx.type = 'html'
      ctx.set('Content-Security-Policy', PAGE_CSP)
      ctx.body = deps.pages.error(out)
    },
  }
}
