import { BENCH_PASSWORD } from './harness.js'
import { load, startChildServer } from './load.js'
import type { Row } from './rows.js'

const FLOOD = 500
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`

/**
 * Resident memory of the server at rest, and its peak (VmHWM) while 500 password logins at
 * the default argon2 cost arrive at once: the hash queue must keep it bounded.
 */
export async function memoryRows(): Promise<Row[]> {
  const server = await startChildServer()
  try {
    await server.command('add-user', { username: 'bench', password: BENCH_PASSWORD })
    const body = JSON.stringify({ username: 'bench', password: BENCH_PASSWORD })
    const headers = { 'content-type': 'application/json' }
    await fetch(`${server.url}/v1/login/password`, { method: 'POST', headers, body })
    const idle = server.memory().rss
    const result = await load(`${server.url}/v1/login/password`, {
      connections: FLOOD,
      amount: FLOOD,
      method: 'POST',
      headers,
      body,
      allowNon2xx: true,
    })
    const { peak } = server.memory()
    const statuses = Object.entries(result.statusCodeStats ?? {})
      .map(([code, { count }]) => `${count}× ${code}`)
      .join(', ')
    return [
      { figure: 'resident memory, idle after start', value: mib(idle) },
      {
        figure: `peak resident memory, ${FLOOD} concurrent password logins`,
        value: mib(peak),
        note: `answers: ${statuses}${result.errors ? `, ${result.errors} errors` : ''}`,
      },
    ]
  } finally {
    await server.stop()
  }
}
