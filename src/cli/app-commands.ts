import { parseArgs } from 'node:util'
import type { Env } from '../config.js'
import { registerApp, removeApp } from '../auth/app-admin.js'
import { ID_TOKEN_ALGS, type IDTokenAlg } from '../auth/app-input.js'
import { AT_THE_BOX } from '../auth/household.js'
import { appView } from '../http/views.js'
import { CommandError, withServices } from './context.js'
import { rethrowForCLI } from './domain-error.js'

const USAGE =
  'usage: hail-mary-auth app add <name> [--redirect-uri URI]… [--post-logout-redirect-uri URI]…' +
  ' [--public] [--no-pkce] [--id-token-alg RS256|ES256] [--domain HOST]… [--groups g1,g2]' +
  ' [--allow-pin] [--require-mfa] | list | remove <name>'

/**
 * `app …` (API §11). Apps are read from the database on every request, so what this prints
 * as done is what the running service does from now on.
 */
export async function runAppCommand(args: string[], env: Env): Promise<string> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'add':
      return addApp(rest, env)
    case 'list':
      if (rest.length > 0) throw new CommandError(USAGE, 64)
      return withServices(env, ({ services }) =>
        services.apps
          .list()
          .map((app) => JSON.stringify(appView(app)))
          .join('\n'),
      )
    case 'remove': {
      const [name] = rest
      if (!name || rest.length !== 1) throw new CommandError(USAGE, 64)
      return withServices(env, ({ services }) => {
        try {
          removeApp(services, name, AT_THE_BOX)
        } catch (error) {
          rethrowForCLI(error)
        }
        return `removed app ${name}`
      })
    }
    default:
      throw new CommandError(USAGE, 64)
  }
}

async function addApp(rest: string[], env: Env): Promise<string> {
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      'redirect-uri': { type: 'string', multiple: true, default: [] },
      'post-logout-redirect-uri': { type: 'string', multiple: true, default: [] },
      public: { type: 'boolean', default: false },
      'no-pkce': { type: 'boolean', default: false },
      'id-token-alg': { type: 'string', default: 'RS256' },
      domain: { type: 'string', multiple: true, default: [] },
      groups: { type: 'string', default: '' },
      'allow-pin': { type: 'boolean', default: false },
      'require-mfa': { type: 'boolean', default: false },
    },
  })
  const [name] = positionals
  if (!name || positionals.length !== 1) throw new CommandError(USAGE, 64)
  const alg = values['id-token-alg']
  if (!ID_TOKEN_ALGS.includes(alg as IDTokenAlg)) {
    throw new CommandError('--id-token-alg must be RS256 or ES256', 64)
  }
  const settings = {
    redirectUris: values['redirect-uri'],
    postLogoutRedirectUris: values['post-logout-redirect-uri'],
    public: values.public,
    pkce: !values['no-pkce'],
    idTokenAlg: alg as IDTokenAlg,
    domains: values.domain,
    groups: values.groups
      .split(',')
      .map((group) => group.trim())
      .filter(Boolean),
    allowPin: values['allow-pin'],
    requireMfa: values['require-mfa'],
  }
  return withServices(env, async ({ services }) => {
    const { app, clientSecret } = await registerApp(services, name, settings, AT_THE_BOX).catch(
      rethrowForCLI,
    )
    // Exactly one JSON line (API §11): the secret appears here once and is stored hashed.
    if (app.clientId === null) return JSON.stringify({ name: app.name })
    if (clientSecret === undefined)
      return JSON.stringify({ name: app.name, client_id: app.clientId })
    return JSON.stringify({ name: app.name, client_id: app.clientId, client_secret: clientSecret })
  })
}
