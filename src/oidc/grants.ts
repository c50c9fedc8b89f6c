import type Provider from 'oidc-provider'

/** The scopes an authorization may be granted; anything else asked for is left out. */
const SUPPORTED_SCOPES = new Set(['openid', 'profile', 'email', 'groups', 'offline_access'])

/**
 * The grant of an admin-registered app for a person, holding every supported scope the
 * request asks for (API §12: no consent screen). An existing grant is widened, not replaced,
 * so its refresh tokens stay valid.
 */
export async function grantRequested(
  provider: Provider,
  request: { accountId: string; clientId: string; scope: string; grantId?: string | undefined },
) {
  const existing = request.grantId ? await provider.Grant.find(request.grantId) : undefined
  const usable =
    existing && existing.accountId === request.accountId && existing.clientId === request.clientId
  const grant = usable
    ? existing
    : new provider.Grant({ accountId: request.accountId, clientId: request.clientId })
  const scopes = request.scope.split(' ').filter((scope) => SUPPORTED_SCOPES.has(scope))
  grant.addOIDCScope(scopes.join(' '))
  await grant.save()
  return grant
}
