import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDurationSeconds } from '../../src/duration.js'

const UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const
const unit = fc.constantFrom(...(Object.keys(UNITS) as (keyof typeof UNITS)[]))
const amount = fc.integer({ min: 1, max: 9_999_999 })
const CANONICAL = /^[1-9]\d{0,6}[smhd]$/

describe('parseDurationSeconds (property)', () => {
  it('reads every canonical duration as its number of seconds, and back', () => {
    fc.assert(
      fc.property(amount, unit, (n, u) => {
        const seconds = parseDurationSeconds(`${n}${u}`)
        expect(seconds).toBe(n * UNITS[u])
        expect(`${(seconds as number) / UNITS[u]}${u}`).toBe(`${n}${u}`)
      }),
    )
  })

  // Near misses of a good value: each must be refused, never read some other way.
  const nearMiss = fc.oneof(
    fc.tuple(amount, unit).map(([n, u]) => `0${n}${u}`),
    fc.tuple(amount, unit).map(([n, u]) => `${n}${u.toUpperCase()}`),
    fc.tuple(amount, unit).map(([n, u]) => ` ${n}${u}`),
    fc.tuple(amount, unit).map(([n, u]) => `${n} ${u}`),
    fc.tuple(amount, unit).map(([n, u]) => `${n}.5${u}`),
    fc.tuple(amount, unit).map(([n, u]) => `-${n}${u}`),
    fc.tuple(amount, unit).map(([n, u]) => `+${n}${u}`),
    fc.tuple(amount, unit).map(([n, u]) => `${n}${u}${u}`),
    fc.tuple(amount, unit).map(([n, u]) => `${n}e1${u}`),
    fc.tuple(amount, unit).map(([n, u]) => `0x${n.toString(16)}${u}`),
    fc.tuple(fc.integer({ min: 10_000_000, max: 2 ** 53 }), unit).map(([n, u]) => `${n}${u}`),
    amount.map(String),
    unit.map((u) => `0${u}`),
    fc
      .tuple(amount, unit)
      .map(([n, u]) => `${String(n).replace(/\d/g, (d) => '٠١٢٣٤٥٦٧٨٩'[+d]!)}${u}`),
  )

  it('refuses near misses and any other string, without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(nearMiss, fc.string(), fc.string({ unit: 'binary' })), (text) => {
        const seconds = parseDurationSeconds(text)
        if (!CANONICAL.test(text)) expect(seconds).toBeNull()
        else expect(seconds).toBeGreaterThan(0)
      }),
    )
  })
})
