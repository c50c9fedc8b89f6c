import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readConfigErrorMode, type Env } from './config.js'
import { notReady } from './errors.js'
import { requestIdFrom } from './http/middleware/request-id.js'
import { SECURITY_HEADERS } from './http/middleware/security-headers.js'

export const EXIT_CONFIG = 78
const DEFAULT_HOST = '127.0.0.1'
const DEFAULT_PORT = 3100

export interface ConfigErrorOptions {
  env: Env
  stopSignal: Promise<string>
  printError: (line: string) => void
}

/**
 * What `serve` does once configuration is found wrong (API §1): print each problem as one line,
 * then exit 78 — or, with `AUTH_ON_CONFIG_ERROR=wait` (the image's default), stay up so a
 * restart policy cannot turn the exit into a loop: `/healthz` 200, `/readyz` 503 naming the
 * variables, everything else 503 `not_ready`, exit 0 on SIGTERM/SIGINT.
 */
export async function stopOnConfigError(
  options: ConfigErrorOptions,
  lines: string[],
): Promise<number> {
  for (const line of lines) options.printError(`configuration error: ${line}`)
  // Only an explicit `exit` exits: a misspelt mode (`WAIT`) in the image must not bring the
  // restart loop back; it is reported like any other bad variable.
  if (readConfigErrorMode(options.env) === 'exit') return EXIT_CONFIG
  const { host, port } = listenAddress(options.env)
  const handler = answerNotConfigured(readinessMessage(lines))
  // An AUTH_HOST that is not an address of this box falls back to the default; a taken
  // port does not (that would only hide the conflict): then nothing listens, but the process
  // still stays up until stopped, since an exit would only be restarted into the same port.
  const server = await listen(handler, host, port)
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || host === DEFAULT_HOST) throw error
      return listen(handler, DEFAULT_HOST, port)
    })
    .catch((error: NodeJS.ErrnoException) => {
      options.printError(
        `cannot listen on ${host}:${port} (${error.code ?? 'error'}); not listening, waiting ` +
          'until stopped (AUTH_ON_CONFIG_ERROR=wait); fix the configuration and restart',
      )
      return null
    })
  if (server) {
    const where = server.address()
    const address = typeof where === 'object' && where ? `${where.address}:${where.port}` : ''
    options.printError(
      `waiting on ${address} with /readyz 503 (AUTH_ON_CONFIG_ERROR=wait); ` +
        'fix the configuration and restart',
    )
  }
  // Signal handlers do not keep Node's event loop alive: without a listening server, a timer
  // does (else Node would end with exit 13, an unsettled top-level await).
  const keepAlive = server ? null : setInterval(() => undefined, 60 * 60 * 1000)
  await options.stopSignal
  if (keepAlive) clearInterval(keepAlive)
  if (server) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  return 0
}

/**
 * The real server could not listen: in wait mode a configuration error naming the variable to
 * change (a taken or privileged port, or an AUTH_HOST this machine does not have).
 */
export function listenFailureLine(host: string, port: number, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? 'error'
  return code === 'EADDRINUSE' || code === 'EACCES'
    ? `AUTH_PORT: cannot listen on ${host}:${port} (${code}); another program uses the port ` +
        '(or it is below 1024): choose a free one, for example AUTH_PORT=3100'
    : `AUTH_HOST: cannot listen on ${host}:${port} (${code}); it is not an address of this ` +
        'machine (in a container, use 0.0.0.0), for example AUTH_HOST=0.0.0.0'
}

/** `/readyz` is public: it names the variables at fault, never a path or a value. */
export function readinessMessage(lines: string[]): string {
  const names = [
    ...new Set(lines.map((line) => /^(AUTH_[A-Z0-9_]+|PORT):/.exec(line)?.[1]).filter(Boolean)),
  ]
  return names.length > 0
    ? `configuration error in ${names.join(', ')}; the service log says what is wrong`
    : 'configuration error; the service log says what is wrong'
}

/** AUTH_HOST/AUTH_PORT as far as they are usable; the defaults (or PORT) where they are not. */
export function listenAddress(env: Env): { host: string; port: number } {
  const port = [env.AUTH_PORT, env.PORT]
    .map((raw) => raw?.trim() ?? '')
    .map((raw) => (/^\d{1,5}$/.test(raw) ? Number(raw) : 0))
    .find((value) => value >= 1 && value <= 65_535)
  return { host: env.AUTH_HOST?.trim() || DEFAULT_HOST, port: port ?? DEFAULT_PORT }
}

function answerNotConfigured(message: string) {
  const readiness = JSON.stringify({
    status: 'failed',
    checks: { config: { status: 'failed', message } },
  })
  const error = notReady()
  const notReadyBody = JSON.stringify({
    error: error.code,
    message: error.message,
    retry_after: error.retryAfterSeconds,
  })
  return function answer(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0]
    const send = (status: number, body: string) => {
      // The same frame as the real server's answers (API §9): the id echoed, the headers set.
      const given = request.headers['x-request-id']
      response.setHeader(
        'X-Request-Id',
        requestIdFrom(typeof given === 'string' ? given : undefined),
      )
      for (const [name, value] of SECURITY_HEADERS) response.setHeader(name, value)
      response.writeHead(status, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        ...(status === 503 ? { 'retry-after': String(error.retryAfterSeconds) } : {}),
      })
      response.end(request.method === 'HEAD' ? undefined : body)
    }
    if (path === '/healthz') send(200, JSON.stringify({ status: 'ok' }))
    else if (path === '/readyz') send(503, readiness)
    else send(503, notReadyBody)
  }
}

function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  host: string,
  port: number,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler)
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}
