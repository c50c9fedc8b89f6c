import { vi } from 'vitest'
import type { Clock } from '../../src/clock.js'

export interface TestClock extends Clock {
  advance(seconds: number): void
  set(date: Date): void
}

/**
 * A clock the test moves by hand. It moves the faked `Date` (only `Date`: timers stay real),
 * because rate-limiter-flexible reads `Date.now()`: the limits and the rest keep one time.
 */
export function testClock(start = new Date('2026-11-30T12:00:00Z')): TestClock {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(start)
  return {
    now: () => new Date(),
    advance: (seconds) => {
      vi.setSystemTime(Date.now() + seconds * 1000)
    },
    set: (date) => {
      vi.setSystemTime(date)
    },
  }
}
