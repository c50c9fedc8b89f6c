import { cpus, loadavg } from 'node:os'
import { coldStartRows } from './cold-start.js'
import { forwardAuthRows } from './forward-auth.js'
import { httpRateRows } from './http-rates.js'
import { concurrentLoginRows, loginLatencyRows, totpStepRows } from './login-latency.js'
import { socketLoginRows } from './login-socket.js'
import { memoryRows } from './memory.js'
import { oidcTokenRows } from './oidc-token.js'
import { refreshRateRows } from './refresh-rate.js'
import { printTable, type Row } from './rows.js'

// `npm run bench`: every figure of one run, printed as one table. Ratios compare figures
// measured in this same run, so a busy or slow machine affects both sides alike.
const sections: [string, () => Promise<Row[]>][] = [
  ['sign-in latency', loginLatencyRows],
  ['sign-in, 4 in flight', concurrentLoginRows],
  ['sign-in over a socket', socketLoginRows],
  ['TOTP step', totpStepRows],
  ['refresh rate', refreshRateRows],
  ['OIDC token endpoint', oidcTokenRows],
  ['HTTP rates', httpRateRows],
  ['forward auth', forwardAuthRows],
  ['cold start', coldStartRows],
  ['memory', memoryRows],
]

const rows: Row[] = []
const loadAtStart = loadavg()[0]!.toFixed(2)
const started = performance.now()
for (const [name, section] of sections) {
  const at = performance.now()
  process.stderr.write(`bench: ${name}…`)
  rows.push(...(await section()))
  process.stderr.write(` ${((performance.now() - at) / 1000).toFixed(0)} s\n`)
}
printTable(rows)
const load = loadavg().map((n) => n.toFixed(2))
console.log(
  `\n(${((performance.now() - started) / 1000).toFixed(0)} s, node ${process.version}, ${cpus().length} CPUs, load average ${loadAtStart} at the start, ${load.join(' ')} at the end)`,
)
