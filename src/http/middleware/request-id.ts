import { randomUUID } from 'node:crypto'

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

/** A caller's X-Request-Id when it is 1–64 safe characters, otherwise a fresh UUID. */
export function requestIdFrom(given: string | undefined): string {
  return given && SAFE_REQUEST_ID.test(given) ? given : randomUUID()
}
