const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

/** Parses `90s`, `10m`, `12h`, `30d` into seconds; null for anything else. */
export function parseDurationSeconds(text: string): number | null {
  const match = /^(\d{1,7})([smhd])$/.exec(text.trim())
  if (!match) return null
  const value = Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number)
  return value > 0 ? value : null
}
