import { fork, type ChildProcess } from 'node:child_process'
import autocannon from 'autocannon'

export interface ChildServer {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

/** Starts bench/server-child.js (the real app + a bare route) in its own process. */
export async function startChildServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const child = fork(new URL('./server-child.js', import.meta.url), {
    env: { ...process.env, BENCH_ENV: JSON.stringify(env) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port))
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}

/** Requests per second from autocannon on loopback, bounded in time. */
export async function requestsPerSecond(
  url: string,
  options: { seconds?: number; connections?: number; headers?: Record<string, string> } = {},
): Promise<number> {
  const result = await autocannon({
    url,
    connections: options.connections ?? 10,
    duration: options.seconds ?? 4,
    headers: options.headers ?? {},
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
  }
  return result.requests.average
}
