import { unixSeconds, type Clock } from '../clock.js'
import type { Audit } from '../auth/audit.js'
import type { Refusal } from './policy.js'

/** A count of refusals is written at most this often (API §6). */
const COUNT_EVERY_SECONDS = 60
/** Past this many open events, ended ones are swept (the map stays small under a flood). */
const SWEEP_ABOVE = 10_000

export type BlockedEvents = ReturnType<typeof createBlockedEvents>

/**
 * The refusals during one block are one `login.blocked` audit event, its count updated at
 * most once a minute: a flood of refused requests writes a bounded number of rows, and cannot
 * push earlier events out of the count-capped audit log.
 */
export function createBlockedEvents(deps: { audit: Audit; clock: Clock }) {
  const open = new Map<string, { id: number; count: number; until: number; writtenAt: number }>()

  return {
    refused(key: string, waitSeconds: number, refusal: Refusal): void {
      const now = unixSeconds(deps.clock)
      const event = open.get(key)
      const detail = { method: refusal.method }
      if (event && now < event.until) {
        event.count++
        // Metrics still count every refused attempt; only the row is shared.
        deps.audit.observe({ type: 'login.blocked', userId: refusal.userId, detail })
        if (now - event.writtenAt >= COUNT_EVERY_SECONDS) {
          deps.audit.updateDetail(event.id, { ...detail, count: event.count })
          event.writtenAt = now
        }
        return
      }
      if (open.size > SWEEP_ABOVE) {
        for (const [k, e] of open) if (e.until <= now) open.delete(k)
      }
      const id = deps.audit.record({
        type: 'login.blocked',
        userId: refusal.userId,
        context: refusal.context,
        detail: { ...detail, count: 1 },
      })
      // Refusals while checks are in flight wait 1 s: group them by the minute, too.
      const until = now + Math.max(waitSeconds, COUNT_EVERY_SECONDS)
      open.set(key, { id, count: 1, until, writtenAt: now })
    },
  }
}
