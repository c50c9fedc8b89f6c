import { desc, eq, lt, lte, sql } from 'drizzle-orm'
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
  context?: RequestContext | undefined
  /** Never a secret: methods, reasons, names. */
  detail?: Record<string, unknown>
}

export interface AuditRetention {
  maxAgeSeconds: number
  maxEvents: number
}

/** Pruning runs once per this many events, so the file stays bounded without a timer. */
const PRUNE_EVERY = 500

export type Audit = ReturnType<typeof createAudit>

/** The security event log (API §9), bounded by age and by count. */
export function createAudit(deps: {
  db: DB
  clock: Clock
  retention: AuditRetention
  observe?: (event: AuditEvent) => void
}) {
  const { db, clock, retention } = deps
  let sincePrune = 0
  // Prepared once: every sign-in writes an event.
  const insert = db
    .insert(auditEvents)
    .values({
      at: sql.placeholder('at'),
      type: sql.placeholder('type'),
      actorId: sql.placeholder('actorId'),
      userId: sql.placeholder('userId'),
      address: sql.placeholder('address'),
      userAgent: sql.placeholder('userAgent'),
      detail: sql.placeholder('detail'),
    })
    .prepare()

  function prune(): void {
    db.delete(auditEvents)
      .where(lt(auditEvents.at, unixSeconds(clock) - retention.maxAgeSeconds))
      .run()
    const cutoff = db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .orderBy(desc(auditEvents.id))
      .limit(1)
      .offset(retention.maxEvents)
      .get()
    if (cutoff) db.delete(auditEvents).where(lte(auditEvents.id, cutoff.id)).run()
  }

  return {
    prune,

    /** Writes one event; returns its id. */
    record(event: AuditEvent): number {
      const { lastInsertRowid } = insert.run({
        at: unixSeconds(clock),
        type: event.type,
        actorId: event.actorId ?? null,
        userId: event.userId ?? null,
        address: event.context?.address ?? null,
        userAgent: event.context?.userAgent?.slice(0, 256) ?? null,
        detail: JSON.stringify(event.detail ?? {}),
      })
      deps.observe?.(event)
      if (++sincePrune >= PRUNE_EVERY) {
        sincePrune = 0
        prune()
      }
      return Number(lastInsertRowid)
    },

    /** Counts an event in the metrics only: a refusal inside a block already recorded. */
    observe(event: AuditEvent): void {
      deps.observe?.(event)
    },

    /** Rewrites the detail of an event (the running count of one block's refusals). */
    updateDetail(id: number, detail: Record<string, unknown>): void {
      db.update(auditEvents)
        .set({ detail: JSON.stringify(detail) })
        .where(eq(auditEvents.id, id))
        .run()
    },

    /** Newest first, `limit` at a time; `before` is the id the previous page ended at. */
    page(options: { limit: number; before?: number | undefined }) {
      const rows = db
        .select()
        .from(auditEvents)
        .where(options.before !== undefined ? lt(auditEvents.id, options.before) : undefined)
        .orderBy(desc(auditEvents.id))
        .limit(options.limit)
        .all()
      return {
        events: rows.map((row) => ({
          ...row,
          detail: JSON.parse(row.detail) as Record<string, unknown>,
        })),
        nextBefore: rows.length === options.limit ? (rows.at(-1)?.id ?? null) : null,
      }
    },
  }
}
