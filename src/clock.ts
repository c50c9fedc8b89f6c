export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** Unix seconds of a clock reading: the unit every stored time uses. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000)
}
