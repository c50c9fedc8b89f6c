import { BENCH_PASSWORD, startBenchService } from './harness.js'
import { perSecond, type Row } from './rows.js'

const SECONDS = 3

/** Refresh-token rotations per second, one chain (each refresh needs the previous answer). */
export async function refreshRateRows(): Promise<Row[]> {
  const service = await startBenchService()
  try {
    await service.services.users.create({ username: 'bench', password: BENCH_PASSWORD })
    const login = await service.postJSON('/v1/login/password', {
      username: 'bench',
      password: BENCH_PASSWORD,
    })
    let token = ((await login.json()) as { refresh_token: string }).refresh_token
    let count = 0
    const started = performance.now()
    while (performance.now() - started < SECONDS * 1000) {
      const response = await service.postJSON('/v1/token/refresh', { refresh_token: token })
      if (response.status !== 200) throw new Error(`refresh answered ${response.status}`)
      token = ((await response.json()) as { refresh_token: string }).refresh_token
      count++
    }
    return [
      {
        figure: 'token refreshes (sequential, in process)',
        value: perSecond(count / ((performance.now() - started) / 1000)),
      },
    ]
  } finally {
    service.stop()
  }
}
