import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'

/**
 * libuv's thread pool runs argon2, WebCrypto verification (jose: every bearer token checked,
 * the OIDC provider's signatures), async fs and dns.lookup; our own access tokens are signed
 * in the calling thread (jws-sign.ts) and log lines written synchronously. It has 4 threads
 * unless UV_THREADPOOL_SIZE says otherwise, and its size is read once, when it starts: on an
 * ESM entry that is before the first line of our code runs (Node's loader reads the entry
 * file through the pool). So the size must be in the environment the process starts with.
 */
export const LIBUV_DEFAULT_POOL = 4
/** Threads kept free of argon2: a token check or an OIDC signature never waits behind a hash. */
export const OTHER_POOL_USERS = 2

/** AUTH_HASH_CONCURRENCY as config.ts reads it (bad values are reported there, at start). */
function hashConcurrency(env: NodeJS.ProcessEnv): number {
  const given = Number(env.AUTH_HASH_CONCURRENCY)
  return Number.isInteger(given) && given >= 1 && given <= 64 ? given : availableParallelism()
}

/**
 * The pool size this process needs, or null when the pool it started with holds it already,
 * or when the operator set UV_THREADPOOL_SIZE (their choice stands).
 */
export function poolSizeToRelaunchWith(env: NodeJS.ProcessEnv): number | null {
  if (env.UV_THREADPOOL_SIZE !== undefined) return null
  const needed = hashConcurrency(env) + OTHER_POOL_USERS
  return needed > LIBUV_DEFAULT_POOL ? needed : null
}

/**
 * When the default pool is too small (more than two cores, or a larger AUTH_HASH_CONCURRENCY),
 * runs this same command again with UV_THREADPOOL_SIZE set, forwarding signals, and resolves
 * with its exit code; null when this process may go on itself (the 2-core default: 2 + 2 fit
 * into libuv's 4, so a small NAS never pays for a second process).
 */
export async function relaunchWithPoolIfNeeded(env: NodeJS.ProcessEnv): Promise<number | null> {
  const size = poolSizeToRelaunchWith(env)
  if (size === null) return null
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...env, UV_THREADPOOL_SIZE: String(size) },
    stdio: 'inherit',
  })
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal)
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, forward(signal))
  return new Promise((resolve) => {
    child.once('error', () => resolve(1))
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 1)))
  })
}
