import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root.js'

export interface RunningProcess {
  child: ChildProcess
  /** Everything printed so far, stdout and stderr together. */
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves with the first JSON log line whose msg is `msg`. */
  waitForLog(msg: string): Promise<Record<string, unknown>>
  url: string
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Starts the built service (`dist/server/`, made by `npm test` first) as a real process. */
export function startProcess(
  env: Record<string, string>,
  options: {
    cwd: string
    args?: string[]
    entry?: 'main' | 'cli'
    port?: number
    input?: string
    /** Run as this uid (and the same gid): what a NAS's mismatched owners do to the service. */
    uid?: number
    /** The folder holding dist/ (default: this checkout), e.g. a copy laid out as the image. */
    root?: string
  },
): RunningProcess {
  // What ships (build/bundle.mjs), as `npm start`, the image and `bin` run it.
  const entry = options.entry === 'cli' ? 'dist/server/cli.js' : 'dist/server/main.js'
  const port = options.port ?? 0
  const script = join(options.root ?? packageRoot(), entry)
  const child = spawn(process.execPath, [script, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: options.cwd,
      ...(port ? { AUTH_PORT: String(port) } : {}),
      AUTH_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  })
  if (options.input !== undefined) child.stdin!.end(options.input)
  let output = ''
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = []
  const onData = (chunk: Buffer) => {
    output += chunk.toString()
    for (const line of output.split('\n')) {
      if (!line.startsWith('{')) continue
      let parsed: Record<string, unknown>
      try {
        parsed = JSON.parse(line) as Record<string, unknown>
      } catch {
        continue
      }
      for (const waiter of waiters.filter((w) => w.msg === parsed.msg)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(parsed)
      }
    }
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    output: () => output,
    exited,
    waitForLog: (msg) =>
      new Promise((resolve, reject) => {
        waiters.push({ msg, resolve })
        onData(Buffer.alloc(0))
        void exited.then(() => reject(new Error(`process exited before "${msg}":\n${output}`)))
      }),
    url: `http://127.0.0.1:${port}`,
  }
}

/** Runs the CLI to completion. */
export async function runCLI(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  input?: string,
): Promise<{ code: number | null; output: string }> {
  const running = startProcess(env, {
    cwd,
    args,
    entry: 'cli',
    ...(input === undefined ? {} : { input }),
  })
  const { code } = await running.exited
  return { code, output: running.output() }
}
