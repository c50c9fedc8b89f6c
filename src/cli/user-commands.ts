import { parseArgs } from 'node:util'
import type { Env } from '../config.js'
import { issueResetCode } from '../auth/password-reset.js'

import { AuthError } from '../errors.js'
import { CommandError, withServices } from './context.js'

const USAGE =
  'usage: hail-mary-auth user add <username> [--role admin|member] [--display-name NAME] [--password-stdin] | user list'

/** `user …`: the same functions the admin routes use, for the owner at the box. */
export async function runUserCommand(
  args: string[],
  env: Env,
  stdin: () => Promise<string>,
): Promise<string> {
  const [sub, ...rest] = args
  if (sub === 'list') {
    return withServices(
      env,
      ({ services }) =>
        services.users
          .list()
          .map((u) =>
            [u.id, u.username, u.role, u.disabled ? 'disabled' : 'enabled', u.displayName].join(
              '\t',
            ),
          )
          .join('\n') || '(no users)',
    )
  }
  if (sub === 'add') {
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
    if (values.role !== 'admin' && values.role !== 'member') {
      throw new CommandError('--role must be admin or member', 64)
    }
    const password = values['password-stdin'] ? (await stdin()).replace(/\r?\n$/, '') : undefined
    const role = values.role
    return withServices(env, async ({ services }) => {
      const user = await services.users
        .create({ username, role, displayName: values['display-name'], password })
        .catch(rethrowAsCommandError)
      services.audit.record({
        type: 'user.created',
        userId: user.id,
        detail: { source: 'cli', role },
      })
      if (password !== undefined) return `created ${user.role} ${user.username} (${user.id})`
      const { code } = issueResetCode(services, user.id)
      return (
        `created ${user.role} ${user.username} (${user.id}); ` +
        `they choose a password with this one-time code within 24 h:\n${code}`
      )
    })
  }
  throw new CommandError(USAGE, 64)
}

export function rethrowAsCommandError(error: unknown): never {
  if (error instanceof AuthError) throw new CommandError(error.message)
  throw error
}
