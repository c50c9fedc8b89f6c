import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

export interface ChildServer {
  url: string
  child: ChildProcess
  command<T>(cmd: string, args?: Record<string, unknown>): Promise<T>
  /** Resident and peak resident memory of the child, in bytes (Linux /proc). */
  memory(): { rss: number; peak: number }
  /** CPU time the child has used so far (user + system), in milliseconds (Linux /proc). */
  cpuMs(): number
  stop(): Promise<void>
}

/** Starts bench/server-child.js (the real app + a bare route) in its own process. */
export async function startChildServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const child = fork(new URL('./server-child.js', import.meta.url), {
    env: { ...process.env, BENCH_ENV: JSON.stringify(env) },
    // e.g. BENCH_CHILD_ARGV="--cpu-prof" to profile the server under load
    execArgv: process.env.BENCH_CHILD_ARGV?.split(' ').filter(Boolean) ?? [],
    // stdout: the server's log lines into a pipe this process drains, as a container's log
    // driver does (a write to /dev/null would make a synchronous log line look free)
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  })
  child.stdout!.resume()
  let nextId = 1
  const pending = new Map<number, (result: unknown) => void>()
  child.on('message', (message: { id: number; result: unknown }) => {
    pending.get(message.id)?.(message.result)
    pending.delete(message.id)
  })
  const port = await new Promise<number>((resolve, reject) => {
    pending.set(0, (result) => resolve(result as number))
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)))
  })
  const command = <T>(cmd: string, args: Record<string, unknown> = {}) =>
    new Promise<T>((resolve) => {
      const id = nextId++
      pending.set(id, (result) => resolve(result as T))
      child.send({ id, cmd, ...args })
    })
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    command,
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      const kib = (field: string) =>
        Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0)
      return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 }
    },
    cpuMs() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) * 10 // clock ticks of 10 ms
    },
    async stop() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      await command('stop')
      await exited
    },
  }
}

export interface LoadOptions {
  seconds?: number
  connections?: number
  amount?: number
  method?: 'GET' | 'POST'
  body?: string
  headers?: Record<string, string>
  allowNon2xx?: boolean
}

/** autocannon on loopback, bounded in time or in count. */
export async function load(url: string, options: LoadOptions = {}) {
  const result = await autocannon({
    url,
    connections: options.connections ?? 10,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 4 }),
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body ? { body: options.body } : {}),
    timeout: 60,
  })
  if (!options.allowNon2xx && (result.non2xx > 0 || result.errors > 0)) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
  }
  return result
}

export async function requestsPerSecond(url: string, options: LoadOptions = {}): Promise<number> {
  return (await load(url, options)).requests.average
}
