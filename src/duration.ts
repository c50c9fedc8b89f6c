const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

// Canonical only (API §1): a whole number without leading zeros, then one unit letter, so a
// value means exactly one thing; `010m`, `1.5h`, `10 m`, `1e3s` or `10M` are refused rather
// than guessed at. Configuration trims the value before it gets here.
const DURATION = /^([1-9]\d{0,6})([smhd])$/

/** Parses `90s`, `10m`, `12h`, `30d` into seconds; null for anything else. */
export function parseDurationSeconds(text: string): number | null {
  const match = DURATION.exec(text)
  if (!match) return null
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number)
}
