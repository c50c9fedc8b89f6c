import { pino, type DestinationStream, type Logger } from 'pino'

export type { Logger }

/** Names under which a secret may sit in a logged object (API §9, §10). */
const SECRET_KEYS = [
  'password',
  'new_password',
  'current_password',
  'pin',
  'code',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'mfa_token',
  'authorization',
  'cookie',
  '["set-cookie"]',
]

/**
 * JSON logs. Request logging never passes headers or bodies, and these paths are redacted
 * anyway in case an error object or a future log call carries one: each name at the top and
 * up to three objects down (`err.req.headers.cookie`). Only lines other than the request
 * line pay for it (request-log.ts).
 */
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) =>
  ['', '*.', '*.*.', '*.*.*.'].map((depth) =>
    key.startsWith('[') ? (depth ? `${depth.slice(0, -1)}${key}` : key) : `${depth}${key}`,
  ),
)

/**
 * Without a destination, lines go to the process's stdout (below). Log lines carry the time
 * to the millisecond, as pino's `isoTime` writes it; lines of the same millisecond share one
 * formatted time (formatting it cost as much as the rest of the request line).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'hail-mary-auth' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: isoTimeOfThisMillisecond,
  }
  return pino(options, destination ?? stdoutLines())
}

let lastMillisecond = -1
let lastTime = ''
function isoTimeOfThisMillisecond(): string {
  const now = Date.now()
  if (now !== lastMillisecond) {
    lastMillisecond = now
    lastTime = `,"time":"${new Date(now).toISOString()}"`
  }
  return lastTime
}

let stdout: DestinationStream | undefined

/**
 * The process's stdout, shared by its loggers: the lines written during one turn of the event
 * loop leave together in one synchronous write when the turn ends (`setImmediate`). One write
 * per line cost more than the JWKS answer itself, and pino's asynchronous destination hands
 * every write to the libuv pool, which argon2 needs (bench/README.md). No line waits longer
 * than the turn that logged it, and what is pending at exit (`process.exit` after the SIGTERM
 * drain, a crash that reaches 'exit') is written synchronously then; only a SIGKILL can lose
 * the lines of the current turn. Like pino's default destination, a write blocks while the
 * reader of the pipe is behind: lines are never dropped nor held in growing memory.
 */
function stdoutLines(): DestinationStream {
  if (stdout) return stdout
  const fd1 = pino.destination({ dest: 1, sync: true })
  let pending = ''
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (pending === '') return
    const lines = pending
    pending = ''
    fd1.write(lines)
  }
  process.on('exit', flush)
  stdout = {
    write(line: string) {
      pending += line
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
  }
  return stdout
}
