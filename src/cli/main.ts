#!/usr/bin/env node
import { runServer } from '../server.js'
import { CommandError } from './context.js'
import { runSetupCommand } from './setup-commands.js'

// `hail-mary-auth <command>`: each command exits 0 on success, or non-zero with one line.
const [command = 'serve', ...args] = process.argv.slice(2)

async function run(): Promise<number> {
  if (command === 'serve') {
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
  const output = await runSetupCommand(command, args, process.env)
  if (output !== null) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`)
  return 0
}

try {
  process.exitCode = await run()
} catch (error) {
  if (error instanceof CommandError) {
    console.error(`hail-mary-auth: ${error.message}`)
    process.exitCode = error.exitCode
  } else {
    console.error(`hail-mary-auth: unexpected error: ${(error as Error).message}`)
    process.exitCode = 1
  }
}
