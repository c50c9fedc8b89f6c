import type { Clock } from '../../src/clock.js'

export interface TestClock extends Clock {
  advance(seconds: number): void
  set(date: Date): void
}

/** A clock the test moves by hand. */
export function testClock(start = new Date('2026-11-30T12:00:00Z')): TestClock {
  let now = start.getTime()
  return {
    now: () => new Date(now),
    advance: (seconds) => {
      now += seconds * 1000
    },
    set: (date) => {
      now = date.getTime()
    },
  }
}
