import { relaunchWithPoolIfNeeded } from './thread-pool.js'

// The process entry for `npm start`: the only place, with cli/main.ts, that reads
// process.env or exits. The thread pool is sized first (thread-pool.ts); the server's modules
// are loaded only in the process that serves.
const relaunched = await relaunchWithPoolIfNeeded(process.env)
if (relaunched !== null) process.exit(relaunched)

const stopSignal = new Promise<string>((resolve) => {
  process.once('SIGTERM', () => resolve('SIGTERM'))
  process.once('SIGINT', () => resolve('SIGINT'))
})

const { runServer } = await import('./server.js')
const code = await runServer({
  env: process.env,
  stopSignal,
  printError: (line) => console.error(`hail-mary-auth: ${line}`),
})
process.exit(code)
