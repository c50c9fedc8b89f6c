import type { RequestContext } from '../auth/audit.js'

/** One rate-limit policy of API §6 (the table of them is in rate-limits.ts). */
export interface Policy {
  /** Points not given back (failed checks, plus checks still running) that stop new attempts. */
  points: number
  /** Seconds from a counter's first point until it is forgotten; 0 keeps it until a success. */
  windowSeconds: number
  /** The block a failed check starts once the points are spent; 0: a plain rate, no block. */
  blockSeconds: number
  /** A success deletes the counter (consecutive failures) instead of giving its point back. */
  consecutive: boolean
  /** Each consecutive block doubles, up to this many seconds, until a success. */
  doublesUpToSeconds?: number
}

/** Who was refused, for the `login.blocked` audit event. */
export interface Refusal {
  userId: string | null
  method: string
  context: RequestContext
}
