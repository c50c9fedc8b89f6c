import type { Logger } from '../logger.js'
import { degradeStorage, recoverStorage, type Readiness } from '../readiness.js'
import { writeMeta, type Database } from './client.js'
import {
  describeStorageFault,
  refineStorageFault,
  storageFaultOf,
  type StorageFault,
} from './storage-fault.js'

export const STORAGE_PROBE_INTERVAL_MS = 5_000
// The probe must not stall every request behind a lock held elsewhere: it waits this long
// for the write lock, not the connection's 5 s.
const PROBE_BUSY_TIMEOUT_MS = 50

export interface StorageWatch {
  /** Records a fault seen while running: `/readyz` degraded, and a probe until it clears. */
  report(fault: StorageFault, context: Record<string, unknown>): void
  /** Runs background work (maintenance); a storage fault is reported, never thrown. */
  guard(task: string, run: () => void): void
}

/**
 * Watches for storage faults while running (API §2). A fault marks `/readyz` 503 `degraded`
 * with the fault under `database`; from then on a probe commits one tiny write every 5 s
 * (and runs `quick_check`), and the first that succeeds clears it. Nothing probes while
 * healthy: an idle box does not write.
 */
export function createStorageWatch(deps: {
  readiness: Readiness
  logger: Logger
  database: Database
  probeIntervalMs?: number
}): StorageWatch {
  const { readiness, logger, database } = deps
  let probe: NodeJS.Timeout | null = null
  let current: StorageFault | null = null
  let probes = 0

  function probeOnce(): void {
    if (!database.sqlite.open) return stopProbing()
    try {
      writeProbe(database, ++probes)
    } catch (error) {
      const fault = storageFaultOf(error) ?? current
      if (fault && fault.code !== current?.code) mark(fault, { during: 'storage probe' })
      return
    }
    logger.info({ fault: current?.kind }, 'storage recovered; writes are accepted again')
    current = null
    recoverStorage(readiness)
    stopProbing()
  }

  function stopProbing(): void {
    if (probe) clearInterval(probe)
    probe = null
  }

  function mark(fault: StorageFault, context: Record<string, unknown>): void {
    current = fault
    degradeStorage(readiness, describeStorageFault(fault))
    logger.error(
      { ...context, fault: fault.kind, sqlite_code: fault.code },
      `storage fault: ${fault.summary}; writes answer 503 storage_unavailable until it clears`,
    )
  }

  function report(seen: StorageFault, context: Record<string, unknown>): void {
    const fault = refineStorageFault(seen, database.sqlite.name)
    if (current?.code === fault.code) {
      logger.warn(
        { ...context, fault: fault.kind, sqlite_code: fault.code },
        'storage still faulty',
      )
    } else {
      mark(fault, context)
    }
    if (!probe) {
      probe = setInterval(probeOnce, deps.probeIntervalMs ?? STORAGE_PROBE_INTERVAL_MS)
      probe.unref() // never keeps a stopping process alive
    }
  }

  function guard(task: string, run: () => void): void {
    try {
      run()
    } catch (error) {
      const fault = storageFaultOf(error)
      if (fault) report(fault, { task })
      else logger.error({ task, err: error }, `${task} failed`)
    }
  }

  return { report, guard }
}

/**
 * Can the database commit again? One row of `meta` rewritten (a real commit, so a full disk
 * or a read-only file system shows) and `quick_check` (a damaged file shows).
 */
function writeProbe(database: Database, count: number): void {
  const { sqlite } = database
  const busyTimeout = sqlite.pragma('busy_timeout', { simple: true }) as number
  sqlite.pragma(`busy_timeout = ${PROBE_BUSY_TIMEOUT_MS}`)
  try {
    const check = sqlite.pragma('quick_check(1)', { simple: true })
    if (check !== 'ok') {
      throw Object.assign(new Error('quick_check failed'), { code: 'SQLITE_CORRUPT' })
    }
    writeMeta(database, 'storage_probe', String(count))
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeout}`)
  }
}
