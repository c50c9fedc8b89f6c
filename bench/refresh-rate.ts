import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { BENCH_PASSWORD, startBenchService, type BenchService } from './harness.js'
import { perSecond, times, type Row } from './rows.js'

const SECONDS = 3

/** `chains` refresh chains at once (each refresh needs its chain's previous answer). */
async function rotations(service: BenchService, chains: number): Promise<number> {
  const tokens: string[] = []
  for (let i = 0; i < chains; i++) {
    const login = await service.postJSON('/v1/login/password', {
      username: 'bench',
      password: BENCH_PASSWORD,
    })
    tokens.push(((await login.json()) as { refresh_token: string }).refresh_token)
  }
  let count = 0
  const started = performance.now()
  const chain = async (i: number) => {
    while (performance.now() - started < SECONDS * 1000) {
      const response = await service.postJSON('/v1/token/refresh', { refresh_token: tokens[i] })
      if (response.status !== 200) throw new Error(`refresh answered ${response.status}`)
      tokens[i] = ((await response.json()) as { refresh_token: string }).refresh_token
      count++
    }
  }
  await Promise.all(Array.from({ length: chains }, (_, i) => chain(i)))
  return count / ((performance.now() - started) / 1000)
}

/**
 * The floor: the same durable write a rotation makes (mark one row, insert one), one commit
 * each, WAL + synchronous=FULL, on a file next to the service's database — what the disk
 * allows one connection to commit per second.
 */
function bareCommits(dataDir: string): number {
  const db = new BetterSqlite3(join(dataDir, 'floor.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE t (hash TEXT PRIMARY KEY, rotated INTEGER)')
  const mark = db.prepare('UPDATE t SET rotated = 1 WHERE hash = ?')
  const insert = db.prepare('INSERT INTO t (hash, rotated) VALUES (?, NULL)')
  const rotate = db.transaction((i: number) => {
    mark.run(String(i - 1))
    insert.run(String(i))
  })
  let count = 0
  const started = performance.now()
  while (performance.now() - started < SECONDS * 1000) rotate(count++)
  db.close()
  return count / ((performance.now() - started) / 1000)
}

/** Refresh-token rotations per second, one chain and eight, against bare FULL commits. */
export async function refreshRateRows(): Promise<Row[]> {
  const service = await startBenchService()
  try {
    await service.services.users.create({ username: 'bench', password: BENCH_PASSWORD })
    const floor = bareCommits(service.dataDir)
    const one = await rotations(service, 1)
    const eight = await rotations(service, 8)
    const note = '/ bare FULL commits of the same write'
    return [
      {
        figure: 'bare SQLite commits (WAL, synchronous=FULL, one connection)',
        value: perSecond(floor),
      },
      {
        figure: 'token refreshes, 1 session (in process)',
        value: perSecond(one),
        ratio: times(one / floor),
        note,
      },
      {
        figure: 'token refreshes, 8 sessions at once (in process)',
        value: perSecond(eight),
        ratio: times(eight / floor),
        note: `${note}; aim ≥ 1,000/s`,
      },
    ]
  } finally {
    service.stop()
  }
}
