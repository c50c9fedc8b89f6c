import BetterSqlite3 from 'better-sqlite3'
import { RateLimiterSQLite } from 'rate-limiter-flexible'
import type { Database } from '../db/client.js'
import type { Policy } from './policy.js'

/** The table the migrations create in the layout `RateLimiterSQLite` expects. */
const TABLE = 'rate_limit_points'
export const ESCALATION_PREFIX = 'blocksInARow'
/** How far a window's end read back from a consume may be off the stored one (ms). */
const WINDOW_SLACK_MS = 1000

export interface Limiters<Name extends string> {
  byPolicy: Record<Name, RateLimiterSQLite>
  /** How many blocks in a row a doubling policy has started, per subject, until a success. */
  escalation: RateLimiterSQLite
  deleteMatching(keyPrefix: string): void
  deleteKeys(keys: string[]): void
  /**
   * Takes one point off a live counter that has any, if it is still the window the point was
   * taken in (`windowEnd`, ms; null: a counter without a window); otherwise nothing changes.
   */
  giveBack(key: string, windowEnd: number | null): void
  /** Lowers a counter to `points`, unless it holds `blockFrom` points or more (a live block). */
  lower(key: string, points: number, blockFrom: number): void
  deleteExpired(): void
  close(): void
}

/**
 * The limiters on a second connection to the same file with `synchronous=NORMAL` (API §6,
 * §10): counters survive a crash of the process, and a sign-in keeps one `FULL` commit, its
 * own. An in-memory database has no second connection; the limiters then share the first.
 */
export function openLimiters<Name extends string>(
  database: Database,
  policies: Record<Name, Policy>,
): Limiters<Name> {
  const own = !database.sqlite.memory
  const sqlite = own ? new BetterSqlite3(database.sqlite.name) : database.sqlite
  if (own) {
    sqlite.pragma('busy_timeout = 5000')
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = NORMAL')
  }
  // The library prepares its few statements anew on every call (~0.2 ms each, four per
  // sign-in); the same texts come back, so each is prepared once here.
  const statements = new Map<string, BetterSqlite3.Statement>()
  const storeClient = {
    prepare: (text: string) => {
      let statement = statements.get(text)
      if (!statement) statements.set(text, (statement = sqlite.prepare(text)))
      return statement
    },
    // The library wraps each write, one INSERT … ON CONFLICT … RETURNING, in a transaction:
    // one statement is atomic on its own, so the BEGIN/COMMIT around it are left out.
    transaction: <F extends (...args: never[]) => unknown>(run: F) => run,
  }
  const limiter = (keyPrefix: string, policy: Pick<Policy, 'points' | 'windowSeconds'>) =>
    new RateLimiterSQLite({
      storeClient,
      storeType: 'better-sqlite3',
      tableName: TABLE,
      tableCreated: true,
      keyPrefix,
      points: policy.points,
      duration: policy.windowSeconds,
      // A plain rate (no block of its own) refuses in memory once spent: a flood of refused
      // requests then writes nothing at all.
      ...(policy.points > 0 && 'blockSeconds' in policy && policy.blockSeconds === 0
        ? { inMemoryBlockOnConsumed: policy.points }
        : {}),
    })
  const byPolicy = Object.fromEntries(
    Object.entries<Policy>(policies).map(([name, policy]) => [name, limiter(name, policy)]),
  ) as Record<Name, RateLimiterSQLite>
  const deleteMatching = sqlite.prepare(`DELETE FROM ${TABLE} WHERE substr(key, 1, ?) = ?`)
  const deleteKey = sqlite.prepare(`DELETE FROM ${TABLE} WHERE key = ?`)
  const deleteExpired = sqlite.prepare(`DELETE FROM ${TABLE} WHERE expire < ?`)
  // A window's end is known to the millisecond of the clock read around the consume; the next
  // window of the same key ends a whole window (a minute at least) later.
  const giveBack = sqlite.prepare(
    `UPDATE ${TABLE} SET points = points - 1
     WHERE key = @key AND points > 0 AND (expire IS NULL OR expire > @now)
       AND (CASE WHEN @window IS NULL THEN expire IS NULL
            ELSE expire BETWEEN @window - ${WINDOW_SLACK_MS} AND @window + ${WINDOW_SLACK_MS} END)`,
  )
  const lower = sqlite.prepare(
    `UPDATE ${TABLE} SET points = min(points, ?)
     WHERE key = ? AND (points < ? OR (expire IS NOT NULL AND expire <= ?))`,
  )
  return {
    byPolicy,
    escalation: limiter(ESCALATION_PREFIX, { points: Number.MAX_SAFE_INTEGER, windowSeconds: 0 }),
    deleteMatching: (prefix) => void deleteMatching.run(prefix.length, prefix),
    deleteKeys: (keys) => keys.forEach((key) => deleteKey.run(key)),
    giveBack: (key, window) => void giveBack.run({ key, now: Date.now(), window }),
    lower: (key, points, blockFrom) => void lower.run(points, key, blockFrom, Date.now()),
    // Milliseconds, the library's unit; it reads the time from Date, as the Clock does.
    deleteExpired: () => void deleteExpired.run(Date.now()),
    close: () => {
      if (own && sqlite.open) sqlite.close()
    },
  }
}
