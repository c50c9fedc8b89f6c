import { pino, type DestinationStream, type Logger } from 'pino'

export type { Logger }

/**
 * JSON logs. Request logging never passes headers or bodies, and these paths are redacted
 * anyway in case an error object or a future log call carries one.
 */
export const REDACTED_PATHS = [
  'password',
  'new_password',
  'current_password',
  'pin',
  'code',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'mfa_token',
  'authorization',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.pin',
  '*.code',
  '*.secret',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.mfa_token',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
]

/**
 * Without a destination, lines go to stdout through pino's asynchronous destination: a
 * request does not wait for its log line to reach the pipe (a synchronous write per request
 * cost more than the JWKS answer itself), and lines written meanwhile leave in one write.
 * pino flushes what is still buffered synchronously on process exit (`process.exit` after the
 * SIGTERM drain, or a crash that reaches 'exit'), so no line is lost on shutdown; only a
 * SIGKILL can lose the last few milliseconds of lines.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'hail-mary-auth' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }))
}
