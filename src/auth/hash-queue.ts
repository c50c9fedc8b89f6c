import { busy } from '../errors.js'

/** How many may wait per hash in flight before new work is refused with 503 `busy` (§6). */
export const QUEUE_PER_SLOT = 64

export type HashQueue = ReturnType<typeof createHashQueue>

/**
 * Bounds argon2 work so a flood of logins cannot exhaust a small NAS's memory: `concurrency`
 * run at once (each holds its argon2 memory), at most 64 × that wait, the rest fail at once.
 */
export function createHashQueue(concurrency: number) {
  const maxWaiting = concurrency * QUEUE_PER_SLOT
  let running = 0
  const waiting: (() => void)[] = []

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running >= concurrency) {
        if (waiting.length >= maxWaiting) throw busy()
        await new Promise<void>((resolve) => waiting.push(resolve))
      } else {
        running++
      }
      try {
        return await task()
      } finally {
        const next = waiting.shift()
        if (next) next()
        else running--
      }
    },
    depth: () => waiting.length,
    running: () => running,
  }
}
