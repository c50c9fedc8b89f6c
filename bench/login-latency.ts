import argon2 from 'argon2'
import { BENCH_PASSWORD, percentile, startBenchService } from './harness.js'
import { ms, times, type Row } from './rows.js'

const SAMPLES = 40

/**
 * Password login against a bare argon2id verification of the same hash in the same process,
 * interleaved one by one so that noise from a shared machine falls on both alike.
 */
export async function loginLatencyRows(): Promise<Row[]> {
  const service = await startBenchService()
  try {
    const user = await service.services.users.create({
      username: 'bench',
      password: BENCH_PASSWORD,
    })
    const login = () =>
      service.postJSON('/v1/login/password', { username: 'bench', password: BENCH_PASSWORD })
    for (let i = 0; i < 3; i++) await login() // warm-up
    const bare: number[] = []
    const full: number[] = []
    for (let i = 0; i < SAMPLES; i++) {
      let started = performance.now()
      await argon2.verify(user.passwordHash!, BENCH_PASSWORD)
      bare.push(performance.now() - started)
      started = performance.now()
      const response = await login()
      if (response.status !== 200) throw new Error(`login answered ${response.status}`)
      full.push(performance.now() - started)
    }
    const bareP50 = percentile(bare, 50)
    return [
      { figure: 'bare argon2id verify p50 (m=19456, t=2, p=1)', value: ms(bareP50) },
      {
        figure: 'password login p50',
        value: ms(percentile(full, 50)),
        ratio: times(percentile(full, 50) / bareP50),
        note: 'login p50 / bare argon2 verify p50',
      },
      {
        figure: 'password login p99',
        value: ms(percentile(full, 99)),
        ratio: times(percentile(full, 99) / percentile(bare, 99)),
        note: 'login p99 / bare argon2 verify p99',
      },
    ]
  } finally {
    service.stop()
  }
}
