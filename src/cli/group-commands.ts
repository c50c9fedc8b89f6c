import { parseArgs } from 'node:util'
import type { Env } from '../config.js'
import { addGroup, removeGroup, setMemberGroups } from '../auth/group-admin.js'
import { AT_THE_BOX } from '../auth/household.js'
import { normalizeUsername } from '../auth/credentials-policy.js'
import { groupView } from '../http/views.js'
import { CommandError, withServices } from './context.js'
import { rethrowForCLI } from './domain-error.js'

const USAGE =
  'usage: hail-mary-auth group add <name> [--description D] | list | remove <name>' +
  ' ; user set-groups <username> <g1,g2>'

/** `group …` (API §11): the same use cases the admin routes call, read from the database. */
export async function runGroupCommand(args: string[], env: Env): Promise<string> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'list':
      if (rest.length > 0) throw new CommandError(USAGE, 64)
      // One JSON object per line (API §8); nothing at all when there is no group.
      return withServices(env, ({ services }) =>
        services.groups
          .list()
          .map((group) => JSON.stringify(groupView(group)))
          .join('\n'),
      )
    case 'add': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { description: { type: 'string' } },
      })
      const [name] = positionals
      if (!name || positionals.length !== 1) throw new CommandError(USAGE, 64)
      return withServices(env, ({ services }) => {
        const input = { name, description: values.description }
        const group = attempt(() => addGroup(services, input, AT_THE_BOX))
        return JSON.stringify({ name: group.name, description: group.description })
      })
    }
    case 'remove': {
      const [name] = rest
      if (!name || rest.length !== 1) throw new CommandError(USAGE, 64)
      return withServices(env, ({ services }) => {
        attempt(() => removeGroup(services, name, AT_THE_BOX))
        return `removed group ${name}`
      })
    }
    default:
      throw new CommandError(USAGE, 64)
  }
}

/** `user set-groups <username> <g1,g2>`: replaces the person's groups ("" clears them). */
export async function runSetGroups(rest: string[], env: Env): Promise<string> {
  const [name, list] = rest
  if (!name || list === undefined || rest.length !== 2) throw new CommandError(USAGE, 64)
  const names = list
    .split(',')
    .map((group) => group.trim())
    .filter(Boolean)
  return withServices(env, ({ services }) => {
    const username = normalizeUsername(name)
    const user = username ? services.users.findByUsername(username) : null
    if (!user) throw new CommandError(`no user named "${name}"`)
    const groups = attempt(() => setMemberGroups(services, user.id, names, AT_THE_BOX))
    return JSON.stringify({ username: user.username, groups })
  })
}

function attempt<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    return rethrowForCLI(error)
  }
}
