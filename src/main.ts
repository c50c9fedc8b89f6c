import { runServer } from './server.js'

// The process entry for `npm start`: the only place, with cli/main.ts, that reads
// process.env or exits.
const stopSignal = new Promise<string>((resolve) => {
  process.once('SIGTERM', () => resolve('SIGTERM'))
  process.once('SIGINT', () => resolve('SIGINT'))
})

const code = await runServer({
  env: process.env,
  stopSignal,
  printError: (line) => console.error(`hail-mary-auth: ${line}`),
})
process.exit(code)
