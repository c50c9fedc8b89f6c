import { Agent, request } from 'node:http'
import argon2 from 'argon2'
import { BENCH_PASSWORD, BENCH_PIN, interleaved, percentile } from './harness.js'
import { startChildServer } from './load.js'
import { ms, perSecond, times, type Row } from './rows.js'

const SAMPLES = 60
const IN_FLIGHT = 4
const ROUNDS = 5

/** A JSON POST on a keep-alive connection; rejects unless the answer is 200. */
function poster(base: string) {
  const { hostname, port } = new URL(base)
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT })
  const post = (path: string, json: unknown) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify(json)
      const req = request(
        {
          agent,
          hostname,
          port,
          path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            res.statusCode === 200
              ? resolve()
              : reject(new Error(`${path}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`)),
          )
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  return { post, close: () => agent.destroy() }
}

/**
 * Sign-in as a client sees it: the server in its own process (bench/server-child.ts, the
 * server's own request handling), this process sending each request over a keep-alive
 * socket and running the bare argon2 verifications, one for one with the sign-ins.
 */
export async function socketLoginRows(): Promise<Row[]> {
  const server = await startChildServer({ AUTH_QUICK_LOGIN_NETWORKS: '127.0.0.0/8' })
  const client = poster(server.url)
  try {
    const { userId, passwordHash, pinHash } = await server.command<{
      userId: string
      passwordHash: string
      pinHash: string
    }>('sign-in-user', { username: 'bench', password: BENCH_PASSWORD, pin: BENCH_PIN })
    const login = () =>
      client.post('/v1/login/password', { username: 'bench', password: BENCH_PASSWORD })
    const quick = () => client.post('/v1/quick-login', { user_id: userId, pin: BENCH_PIN })
    const bare = () => argon2.verify(passwordHash, BENCH_PASSWORD)
    for (let i = 0; i < 3; i++) await Promise.all([login(), quick()]) // warm-up
    const password = await interleaved(SAMPLES, bare, login)
    const pin = await interleaved(SAMPLES, () => argon2.verify(pinHash, BENCH_PIN), quick)
    const inFlight = { bare: [] as number[], login: [] as number[], bareRate: 0, loginRate: 0 }
    for (let round = 0; round < ROUNDS; round++) {
      const b = await chains(bare)
      const s = await chains(login)
      inFlight.bare.push(...b.latencies)
      inFlight.login.push(...s.latencies)
      inFlight.bareRate += b.perSecond / ROUNDS
      inFlight.loginRate += s.perSecond / ROUNDS
    }
    const p50 = (samples: number[]) => percentile(samples, 50)
    const p99 = (samples: number[]) => percentile(samples, 99)
    const row = (figure: string, subject: number[], base: number[], what: string, at = p50) => ({
      figure,
      value: ms(at(subject)),
      ratio: times(at(subject) / at(base)),
      note: `/ ${what} (${ms(at(base))})`,
    })
    return [
      row(
        'password login p50, over a socket',
        password.subject,
        password.baseline,
        'bare argon2id verify p50; aim ≤ 1.10×',
      ),
      row(
        'password login p99, over a socket',
        password.subject,
        password.baseline,
        'bare verify p99',
        p99,
      ),
      row(
        'PIN quick login p50, over a socket',
        pin.subject,
        pin.baseline,
        'bare verify of the PIN p50',
      ),
      row(
        `password login, ${IN_FLIGHT} in flight, p50, over a socket`,
        inFlight.login,
        inFlight.bare,
        `${IN_FLIGHT} bare verifies in flight p50; aim ≤ 1.10×`,
      ),
      {
        figure: `password logins/s, ${IN_FLIGHT} in flight, over a socket`,
        value: perSecond(inFlight.loginRate),
        ratio: times(inFlight.loginRate / inFlight.bareRate),
        note: `/ bare verifies/s, ${IN_FLIGHT} in flight (${perSecond(inFlight.bareRate)}); aim ≥ 0.9×`,
      },
    ]
  } finally {
    client.close()
    await server.stop()
  }
}

/** `IN_FLIGHT` chains of 3 of `task` at once: every latency, and the rate. */
async function chains(task: () => Promise<unknown>) {
  const latencies: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = 0; i < 3; i++) {
        const t = performance.now()
        await task()
        latencies.push(performance.now() - t)
      }
    }),
  )
  return { latencies, perSecond: (IN_FLIGHT * 3) / ((performance.now() - started) / 1000) }
}
