import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { auditEvents } from '../db/schema.js'

export interface RequestContext {
  address: string | null
  /** The address as rate limits count it: IPv4 as is, IPv6 by its /64. */
  addressKey: string
  userAgent: string | null
}

export interface AuditEvent {
  type: string
  userId?: string | null
  actorId?: string | null
  context?: RequestContext
  /** Never a secret: methods, reasons, names. */
  detail?: Record<string, unknown>
}

export type Audit = ReturnType<typeof createAudit>

/** The security event log (API §9). */
export function createAudit(deps: { db: DB; clock: Clock }) {
  return {
    record(event: AuditEvent): void {
      deps.db
        .insert(auditEvents)
        .values({
          at: unixSeconds(deps.clock),
          type: event.type,
          actorId: event.actorId ?? null,
          userId: event.userId ?? null,
          address: event.context?.address ?? null,
          userAgent: event.context?.userAgent?.slice(0, 256) ?? null,
          detail: JSON.stringify(event.detail ?? {}),
        })
        .run()
    },
  }
}
