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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'hail-mary-auth' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }
  return destination ? pino(options, destination) : pino(options)
}
