import type { Config } from '../config.js'
import type { DB } from '../db/client.js'
import { invalidGrant, invalidRequest } from '../errors.js'
import type { Logger } from '../logger.js'
import type { Audit, RequestContext } from './audit.js'
import { normalizeUsername } from './credentials-policy.js'
import type { OneTimeCodes } from './one-time-codes.js'
import type { UserRow, Users } from './users.js'

/** A setup code lives until the next start replaces it, or a day, whichever is first. */
const SETUP_CODE_TTL_SECONDS = 86_400

export interface FirstAdminDeps {
  db: DB
  users: Users
  codes: OneTimeCodes
  audit: Audit
  logger: Logger
  config: Pick<Config, 'issuer'>
}

/**
 * Makes sure the household can get its first admin (API §8): from AUTH_INITIAL_ADMIN_* when
 * set (idempotent: nothing happens once any user exists), otherwise by a one-time setup code
 * written to the log. Throws on failure; the caller reports it in /readyz without crashing.
 */
export async function bootstrapFirstAdmin(
  deps: FirstAdminDeps,
  initialAdmin: Config['initialAdmin'],
): Promise<string> {
  if (deps.users.count() > 0) return 'users exist'
  if (initialAdmin) {
    const user = await deps.users.create({
      username: initialAdmin.username,
      password: initialAdmin.password,
      role: 'admin',
    })
    deps.audit.record({
      type: 'user.created',
      userId: user.id,
      detail: { source: 'initial_admin', role: 'admin' },
    })
    deps.logger.info({ username: user.username }, 'created the initial admin')
    return 'initial admin created'
  }
  deps.codes.deleteAll('setup')
  const { code } = deps.codes.create('setup', {
    ttlSeconds: SETUP_CODE_TTL_SECONDS,
    code: setupCode(),
  })
  deps.logger.warn(
    `no users yet: create the first admin with the one-time setup code ${code.match(/.{4}/g)!.join('-')} ` +
      `at ${new URL('/ui/setup', deps.config.issuer).toString()} (or POST /v1/setup {"code","username","password"})`,
  )
  return 'waiting for setup'
}

/** Redeems the setup code for the first admin; refused once any user exists. */
export async function redeemSetupCode(
  deps: FirstAdminDeps,
  input: { code: string; username: string; password: string },
  context: RequestContext,
): Promise<UserRow> {
  // Everything a person can mistype is checked before the code is used up: a typo in the
  // username used to burn the only setup code until the next restart.
  const username = normalizeUsername(input.username)
  if (!username) throw invalidRequest('username: must be 3–32 of a-z, 0-9, ".", "_", "-"')
  deps.users.checkPassword(input.password, username)
  const code = normalizeSetupCode(input.code)
  if (deps.users.count() > 0 || !deps.codes.consume('setup', code)) {
    throw invalidGrant('The setup code is invalid or was already used.')
  }
  let user: UserRow
  try {
    user = await deps.users.create({ username, password: input.password, role: 'admin' })
  } catch (error) {
    // No admin was made (argon2 busy, say): give the code back rather than strand the box.
    deps.codes.create('setup', { ttlSeconds: SETUP_CODE_TTL_SECONDS, code })
    throw error
  }
  deps.audit.record({
    type: 'user.created',
    userId: user.id,
    context,
    detail: { source: 'setup_code', role: 'admin' },
  })
  return user
}

/** 28 characters of 32 (140 bits) without look-alikes; shown in groups of four. */
function setupCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const bytes = crypto.getRandomValues(new Uint8Array(28))
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('')
}

/** Accepts the code as typed: any case, with or without the group dashes and spaces. */
const normalizeSetupCode = (code: string) => code.replace(/[\s-]/g, '').toUpperCase()
