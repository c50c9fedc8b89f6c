import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Env } from '../config.js'
import {
  addMember,
  AT_THE_BOX,
  issueMemberResetCode,
  updateMember,
  userMethods,
} from '../auth/household.js'
import { adminUserView } from '../http/views.js'
import { importUsers } from '../auth/user-import.js'
import type { UserRow } from '../auth/users.js'
import { normalizeUsername } from '../auth/credentials-policy.js'
import { AuthError } from '../errors.js'
import type { Services } from '../services.js'
import { CommandError, withServices } from './context.js'

const USAGE =
  'usage: hail-mary-auth user add <username> [--role admin|member] [--display-name NAME] [--password-stdin]' +
  ' | list | set-role <username> admin|member | disable <username> | enable <username>' +
  ' | reset-code <username> | import <file.json>'

// The owner at the box: no HTTP actor, but the same functions and audit events as the routes.
const CLI = AT_THE_BOX

/** `user …`: the same functions the admin routes use. */
export async function runUserCommand(
  args: string[],
  env: Env,
  stdin: () => Promise<string>,
): Promise<string> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'list':
      return withServices(env, ({ services }) => listUsers(services))
    case 'add':
      return addUser(rest, env, stdin)
    case 'set-role': {
      const [name, role] = rest
      if (!name || (role !== 'admin' && role !== 'member') || rest.length !== 2)
        throw new CommandError(USAGE, 64)
      return onUser(env, name, async (services, user) => {
        await updateMember(services, user.id, { role }, CLI)
        return `${user.username} is now ${role}`
      })
    }
    case 'disable':
    case 'enable': {
      const [name] = rest
      if (!name || rest.length !== 1) throw new CommandError(USAGE, 64)
      return onUser(env, name, async (services, user) => {
        await updateMember(services, user.id, { disabled: sub === 'disable' }, CLI)
        return `${user.username} is ${sub}d${sub === 'disable' ? ' and signed out everywhere' : ''}`
      })
    }
    case 'reset-code': {
      const [name] = rest
      if (!name || rest.length !== 1) throw new CommandError(USAGE, 64)
      return onUser(env, name, async (services, user) => {
        const { code, expiresAt } = await issueMemberResetCode(services, user.id, CLI)
        const expires_at = new Date(expiresAt * 1000).toISOString()
        return `one-time code for ${user.username}, valid until ${expires_at} (POST /v1/password-reset):\n${code}`
      })
    }
    case 'import': {
      const [file] = rest
      if (!file || rest.length !== 1) throw new CommandError(USAGE, 64)
      let parsed: unknown
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'))
      } catch (error) {
        // V8 quotes the text around a JSON mistake, which here is someone's password hash.
        if (error instanceof SyntaxError)
          throw new CommandError(`${file} is not valid JSON; nothing was imported`)
        throw new CommandError(`cannot read ${file}: ${(error as Error).message}`)
      }
      return withServices(env, ({ services }) => {
        const result = importUsers(services, parsed)
        if (!result.ok) throw new CommandError(`nothing imported: ${result.errors.join(' | ')}`)
        return `imported ${result.users.length} user(s)`
      })
    }
    default:
      throw new CommandError(USAGE, 64)
  }
}

/** One JSON object per line (API §8), as `GET /v1/admin/users` shows each user. */
function listUsers(services: Services): string {
  return services.users
    .list()
    .map((u) =>
      JSON.stringify(adminUserView(u, userMethods(services.db, u), services.groups.namesOf(u.id))),
    )
    .join('\n')
}

async function addUser(rest: string[], env: Env, stdin: () => Promise<string>): Promise<string> {
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      role: { type: 'string', default: 'member' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
  })
  const username = positionals[0]
  if (!username || positionals.length > 1) throw new CommandError(USAGE, 64)
  const role = values.role
  if (role !== 'admin' && role !== 'member')
    throw new CommandError('--role must be admin or member', 64)
  const password = values['password-stdin'] ? (await stdin()).replace(/\r?\n$/, '') : undefined
  return withServices(env, async ({ services }) => {
    const { user, resetCode } = await addMember(
      services,
      { username, role, displayName: values['display-name'], password },
      CLI,
    ).catch(rethrowAsCommandError)
    if (!resetCode) return `created ${user.role} ${user.username} (${user.id})`
    return (
      `created ${user.role} ${user.username} (${user.id}); ` +
      `they choose a password with this one-time code within 24 h:\n${resetCode.code}`
    )
  })
}

function onUser(
  env: Env,
  name: string,
  run: (services: Services, user: UserRow) => Promise<string>,
): Promise<string> {
  return withServices(env, async ({ services }) => {
    const username = normalizeUsername(name)
    const user = username ? services.users.findByUsername(username) : null
    if (!user) throw new CommandError(`no user named "${name}"`)
    try {
      return await run(services, user)
    } catch (error) {
      return rethrowAsCommandError(error)
    }
  })
}

function rethrowAsCommandError(error: unknown): never {
  if (error instanceof AuthError) throw new CommandError(error.message)
  throw error
}
