#!/usr/bin/env node
import { runServer } from '../server.js'
import { relaunchWithPoolIfNeeded } from '../thread-pool.js'
import { CommandError } from './context.js'
import { runKeyCommand } from './key-commands.js'
import { runRestoreCommand } from './restore-command.js'
import { runSetupCommand } from './setup-commands.js'
import { runUserCommand } from './user-commands.js'
import { runAppCommand } from './app-commands.js'
import { runGroupCommand, runSetGroups } from './group-commands.js'

const USAGE =
  'usage: hail-mary-auth serve|migrate|check-config|gen-secret|backup <file>|restore <file>|user add|list|set-groups|group add|list|remove|app add|list|remove|keys list|rotate'

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CommandError('--password-stdin: pipe the password in')
  let text = ''
  for await (const chunk of process.stdin) text += String(chunk)
  return text
}

// `hail-mary-auth <command>`: each command exits 0 on success, or non-zero with one line.
const [command = 'serve', ...args] = process.argv.slice(2)

async function run(): Promise<number> {
  if (command === 'serve') {
    const relaunched = await relaunchWithPoolIfNeeded(process.env) // API §1: see thread-pool.ts
    if (relaunched !== null) return relaunched
    const stopSignal = new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'))
      process.once('SIGINT', () => resolve('SIGINT'))
    })
    return runServer({
      env: process.env,
      stopSignal,
      printError: (line) => console.error(`hail-mary-auth: ${line}`),
    })
  }
  const output =
    command === 'user' && args[0] === 'set-groups'
      ? await runSetGroups(args.slice(1), process.env)
      : command === 'group'
        ? await runGroupCommand(args, process.env)
        : command === 'app'
          ? await runAppCommand(args, process.env)
          : command === 'user'
            ? await runUserCommand(args, process.env, readStdin)
            : command === 'keys'
              ? await runKeyCommand(args, process.env)
              : command === 'restore'
                ? await runRestoreCommand(args, process.env)
                : await runSetupCommand(command, args, process.env)
  if (output === null) throw new CommandError(`unknown command "${command}"; ${USAGE}`, 64)
  // An empty list prints nothing (list commands print one JSON object per line).
  if (output !== '') process.stdout.write(output.endsWith('\n') ? output : `${output}\n`)
  return 0
}

try {
  process.exitCode = await run()
} catch (error) {
  if (error instanceof CommandError) {
    console.error(`hail-mary-auth: ${error.message}`)
    process.exitCode = error.exitCode
  } else if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) {
    // An unknown or malformed option is a usage error (64), like any other.
    console.error(`hail-mary-auth: ${(error as Error).message}; ${USAGE}`)
    process.exitCode = 64
  } else {
    console.error(`hail-mary-auth: unexpected error: ${(error as Error).message}`)
    process.exitCode = 1
  }
}
