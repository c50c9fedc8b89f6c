import { expect } from 'vitest'
import { freePort, startProcess, type RunningProcess } from './process.js'

/** Talking to a real server process over the loopback, for crash and storage-fault tests. */
export interface Answer {
  status: number
  body: Record<string, unknown>
}

export async function send(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  }
}

export interface Tokens {
  access_token: string
  refresh_token: string
  session_id: string
}

export async function signIn(base: string, username: string, password: string): Promise<Tokens> {
  const answer = await send(base, 'POST', '/v1/login/password', { username, password })
  expect(answer.status).toBe(200)
  return answer.body as unknown as Tokens
}

export interface Readyz {
  status: number
  body: { status: string; checks: Record<string, { status: string; message?: string }> }
}

/** Polls `/readyz` until `until` holds; a deadline, not a sleep, bounds it. */
export async function waitForReadyz(
  base: string,
  until: (readyz: Readyz) => boolean,
  deadlineMs = 20_000,
): Promise<Readyz> {
  const deadline = Date.now() + deadlineMs
  let last: Readyz | undefined
  while (Date.now() < deadline) {
    const response = await fetch(`${base}/readyz`)
    last = { status: response.status, body: (await response.json()) as Readyz['body'] }
    if (until(last)) return last
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`/readyz never matched; last: ${JSON.stringify(last)}`)
}

/** Starts the built server and waits for its `ready` log line. */
export async function startServer(
  env: Record<string, string>,
  cwd: string,
  port?: number,
): Promise<RunningProcess> {
  const running = startProcess(env, { cwd, port: port ?? (await freePort()) })
  await running.waitForLog('ready')
  return running
}

/** Stops a server if it still runs; SIGKILL is the point of a crash test, SIGTERM elsewhere. */
export async function stopServer(running: RunningProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill(signal)
  }
  return running.exited
}

/** Whether the process is still running (a storage fault must never end it). */
export const isRunning = (running: RunningProcess) =>
  running.child.exitCode === null && running.child.signalCode === null
