import { describe, expect, it } from 'vitest'
import { createTOTP } from '../../src/auth/totp.js'
import { testClock } from '../helpers/clock.js'

// RFC 6238, Appendix B: SHA-1, the ASCII secret "12345678901234567890", 8 digits.
const SECRET = new TextEncoder().encode('12345678901234567890')
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1_111_111_109, '07081804'],
  [1_111_111_111, '14050471'],
  [1_234_567_890, '89005924'],
  [2_000_000_000, '69279037'],
  [20_000_000_000, '65353130'],
]

describe('the TOTP module', () => {
  it.each(VECTORS)('matches the RFC 6238 SHA-1 vector at T=%i', async (seconds, code) => {
    const clock = testClock(new Date(seconds * 1000))
    const totp = createTOTP({ clock })
    expect(await totp.generate(SECRET, 8)).toBe(code)
    expect(await totp.verify(SECRET, code, null, 8)).toBe(Math.floor(seconds / 30))
  })

  it('accepts one step of drift either side, not two, and each step once', async () => {
    const clock = testClock(new Date(1_234_567_890 * 1000))
    const totp = createTOTP({ clock })
    const secret = await totp.newSecret()
    const now = await totp.generate(secret)
    clock.advance(-30)
    const previous = await totp.generate(secret)
    clock.advance(-30)
    const twoBack = await totp.generate(secret)
    clock.advance(90)
    const next = await totp.generate(secret)
    clock.advance(-30)
    expect(await totp.verify(secret, previous, null)).not.toBeNull()
    expect(await totp.verify(secret, next, null)).not.toBeNull()
    expect(await totp.verify(secret, twoBack, null)).toBeNull()
    const step = await totp.verify(secret, now, null)
    expect(step).not.toBeNull()
    expect(await totp.verify(secret, now, step)).toBeNull()
    expect(await totp.verify(secret, previous, step)).toBeNull()
  })

  it('refuses malformed codes without calling otplib', async () => {
    const totp = createTOTP({ clock: testClock() })
    for (const code of ['', '12345', '1234567', '12345a', ' 123456']) {
      expect(await totp.verify(await totp.newSecret(), code, null)).toBeNull()
    }
  })
})
