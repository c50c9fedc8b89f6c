import argon2 from 'argon2'
import { eq } from 'drizzle-orm'
import { users } from '../src/db/schema.js'
import {
  BENCH_PASSWORD,
  BENCH_PIN,
  interleaved,
  percentile,
  startBenchService,
  steppingClock,
} from './harness.js'
import { ms, perSecond, times, type Row } from './rows.js'

// p50 of 60 interleaved pairs: on a shared machine 40 moved the ratio by ±0.05 between runs.
const SAMPLES = 60

const expectStatus = async (response: Promise<Response>, status = 200) => {
  const r = await response
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${await r.text()}`)
  return r
}

function latencyRows(
  name: string,
  baselineName: string,
  t: { baseline: number[]; subject: number[] },
): Row[] {
  return [
    {
      figure: `${name} p50`,
      value: ms(percentile(t.subject, 50)),
      ratio: times(percentile(t.subject, 50) / percentile(t.baseline, 50)),
      note: `/ ${baselineName} p50 (${ms(percentile(t.baseline, 50))})`,
    },
    {
      figure: `${name} p99`,
      value: ms(percentile(t.subject, 99)),
      ratio: times(percentile(t.subject, 99) / percentile(t.baseline, 99)),
      note: `/ ${baselineName} p99 (${ms(percentile(t.baseline, 99))})`,
    },
  ]
}

/** Password and PIN sign-in through the app in process, each against a bare argon2 verify. */
export async function loginLatencyRows(): Promise<Row[]> {
  const service = await startBenchService({ AUTH_QUICK_LOGIN_NETWORKS: '127.0.0.0/8' })
  try {
    const { services } = service
    const user = await services.users.create({ username: 'bench', password: BENCH_PASSWORD })
    await services.pins.set(user.id, BENCH_PIN)
    services.db.update(users).set({ quickLogin: true }).where(eq(users.id, user.id)).run()
    const pinHash = services.users.findById(user.id)!.pinHash!
    const login = () =>
      expectStatus(
        service.postJSON('/v1/login/password', { username: 'bench', password: BENCH_PASSWORD }),
      )
    const quick = () =>
      expectStatus(service.postJSON('/v1/quick-login', { user_id: user.id, pin: BENCH_PIN }))
    for (let i = 0; i < 3; i++) await Promise.all([login(), quick()]) // warm-up
    const password = await interleaved(
      SAMPLES,
      () => argon2.verify(user.passwordHash!, BENCH_PASSWORD),
      login,
    )
    const pin = await interleaved(SAMPLES, () => argon2.verify(pinHash, BENCH_PIN), quick)
    return [
      ...latencyRows('password login', 'bare argon2id verify', password),
      ...latencyRows('PIN quick login', 'bare argon2id verify of the PIN', pin),
    ]
  } finally {
    service.stop()
  }
}

const IN_FLIGHT = 4
const ROUNDS = 5

/** `IN_FLIGHT` chains of `task` at once, `perChain` each: every latency, and the rate. */
async function inFlight(task: () => Promise<unknown>, perChain: number) {
  const latencies: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = 0; i < perChain; i++) {
        const t = performance.now()
        await task()
        latencies.push(performance.now() - t)
      }
    }),
  )
  return { latencies, perSecond: (IN_FLIGHT * perChain) / ((performance.now() - started) / 1000) }
}

/** Four password logins in flight against four bare verifies in flight, alternated. */
export async function concurrentLoginRows(): Promise<Row[]> {
  const service = await startBenchService()
  try {
    const user = await service.services.users.create({
      username: 'bench',
      password: BENCH_PASSWORD,
    })
    const login = () =>
      expectStatus(
        service.postJSON('/v1/login/password', { username: 'bench', password: BENCH_PASSWORD }),
      )
    const bare = () => argon2.verify(user.passwordHash!, BENCH_PASSWORD)
    await inFlight(login, 1) // warm-up
    const t = { baseline: [] as number[], subject: [] as number[] }
    let bareRate = 0
    let loginRate = 0
    for (let round = 0; round < ROUNDS; round++) {
      const b = await inFlight(bare, 3)
      const s = await inFlight(login, 3)
      t.baseline.push(...b.latencies)
      t.subject.push(...s.latencies)
      bareRate += b.perSecond / ROUNDS
      loginRate += s.perSecond / ROUNDS
    }
    return [
      ...latencyRows(
        `password login, ${IN_FLIGHT} in flight,`,
        `${IN_FLIGHT} bare verifies in flight`,
        t,
      ).slice(0, 1),
      {
        figure: `password logins/s, ${IN_FLIGHT} in flight`,
        value: perSecond(loginRate),
        ratio: times(loginRate / bareRate),
        note: `/ bare verifies/s, ${IN_FLIGHT} in flight (${perSecond(bareRate)})`,
      },
    ]
  } finally {
    service.stop()
  }
}

/** The TOTP step of a two-step sign-in, against a bare otplib verification. */
export async function totpStepRows(): Promise<Row[]> {
  const clock = steppingClock()
  const service = await startBenchService({}, clock)
  try {
    const { services } = service
    const user = await services.users.create({ username: 'bench', password: BENCH_PASSWORD })
    const secret = await services.totp.newSecret()
    const sealed = services.secretKeys.encrypt('totp-secret', secret, user.id)
    services.db.update(users).set({ totpSecretSealed: sealed }).where(eq(users.id, user.id)).run()
    const subject: number[] = []
    const baseline: number[] = []
    for (let i = 0; i < SAMPLES + 3; i++) {
      clock.advance(30) // a code is good once per time step
      const first = await expectStatus(
        service.postJSON('/v1/login/password', { username: 'bench', password: BENCH_PASSWORD }),
      )
      const { mfa_token } = (await first.json()) as { mfa_token: string }
      const code = await services.totp.generate(secret)
      let started = performance.now()
      await services.totp.verify(secret, code, null)
      const bare = performance.now() - started
      started = performance.now()
      await expectStatus(service.postJSON('/v1/login/totp', { mfa_token, code }))
      if (i >= 3) {
        baseline.push(bare)
        subject.push(performance.now() - started)
      }
    }
    return latencyRows('TOTP step (POST /v1/login/totp)', 'bare otplib verify', {
      baseline,
      subject,
    })
  } finally {
    service.stop()
  }
}
